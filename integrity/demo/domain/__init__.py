"""The demo's pure part: the generated event (``generator``) and the reference data it is made
from (``names``). Standard library and other ``domain`` modules only."""
