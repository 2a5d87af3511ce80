"""``python -m integrity``: the same as the ``integrity`` command."""

from integrity.cli import main

if __name__ == "__main__":
    main()
