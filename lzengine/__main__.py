"""``python -m lzengine``: the same as the ``lzengine`` command."""

from lzengine.cli import main

main()
