"""The command anyone runs: recompute a draw from what was published and say what matches."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from integrity.jury.domain.draw.result import assignment, assignment_hash
from integrity.jury.domain.draw.seeding import DrawError, commitment, final_seed, manifest_hash


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Recompute an Integrity jury draw from what was published."
    )
    parser.add_argument(
        "file", help="the published draw (manifest, secret, contributions) or a manifest alone"
    )
    parser.add_argument("--secret", help="the revealed secret (hex), if FILE is a manifest")
    parser.add_argument(
        "--contribution", action="append", default=[], help="each contribution, in order"
    )
    parser.add_argument("--assignment", action="store_true", help="print the assignment as JSON")
    args = parser.parse_args(argv)
    with open(args.file, encoding="utf-8") as handle:
        data = json.load(handle)
    if "contributions" in data:  # a published record
        manifest, secret = data.get("manifest"), data.get("secret")
        contributions = [c["value"] if isinstance(c, dict) else c for c in data["contributions"]]
    else:
        manifest, secret, contributions = data, args.secret, args.contribution
    if not secret:
        parser.error("the secret is needed (--secret, or in the draw file): is it revealed yet?")
    if "commitment" in data and commitment(secret) != data["commitment"]:
        print("the secret does NOT match the published commitment", file=sys.stderr)
        return 1
    if manifest is None:
        # Before the results, a record carries the manifest's hash but not the manifest: the
        # seed can be checked now, the assignment once the manifest is published.
        seed = final_seed(data["manifest_sha256"], secret, contributions)
        print(f"manifest sha256:   {data['manifest_sha256']} (manifest not published yet)")
        print(f"commitment:        {commitment(secret)} (matches)")
        print(f"final seed:        {seed}")
        if data.get("final_seed") not in (None, seed):
            print("the published final seed does NOT match", file=sys.stderr)
            return 1
        return 0
    digest = manifest_hash(manifest)
    if data.get("manifest_sha256") not in (None, digest):
        print("the manifest does NOT match its published hash", file=sys.stderr)
        return 1
    seed = final_seed(digest, secret, contributions)
    try:
        result = assignment(manifest, seed)
    except DrawError as exc:
        print(f"no assignment: {exc}", file=sys.stderr)
        return 1
    print(f"manifest sha256:   {digest}")
    print(f"commitment:        {commitment(secret)}")
    print(f"final seed:        {seed}")
    print(f"assignment sha256: {assignment_hash(result)}")
    for key, value in (("final_seed", seed), ("assignment_sha256", assignment_hash(result))):
        if data.get(key) not in (None, value):
            print(f"the published {key} does NOT match", file=sys.stderr)
            return 1
    if args.assignment:
        print(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
