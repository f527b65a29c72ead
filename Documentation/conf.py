# SPDX-License-Identifier: MIT
"""Sphinx configuration of the MeMS manual, which `make htmldocs` builds.

The version is the top Makefile's, and the API reference is read from
the headers by the kernel-doc extension in sphinx/.  The top of the source
tree is $srctree, which make exports, or else the parent of this folder.
"""

import os
import re
import sys

# Importing the extension must not leave __pycache__ in the source tree.
sys.dont_write_bytecode = True

confdir = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(confdir, 'sphinx'))
srctree = os.environ.get('srctree') or os.path.dirname(confdir)


def makefile_version(path):
    """The value of the VERSION := line of the Makefile at path."""
    with open(path, encoding='utf-8') as makefile:
        for line in makefile:
            match = re.match(r'VERSION\s*:=\s*(\S+)\s*$', line)
            if match:
                return match.group(1)
    raise ValueError(f'{path}: no VERSION := line')


project = 'MeMS'
author = 'The MeMS authors'
copyright = '2026, The MeMS authors'
version = release = makefile_version(os.path.join(srctree, 'Makefile'))

extensions = ['kerneldoc']
kerneldoc_srctree = srctree

root_doc = 'index'
source_suffix = '.rst'
# man/ holds the manual pages (man(7), not reStructuredText), sphinx/ the
# extension, output/ an in-tree build's output.
exclude_patterns = ['man', 'sphinx', 'output', '**/__pycache__']

primary_domain = 'c'
highlight_language = 'none'
# Quotes stay as written: they often quote a program's exact output.
smartquotes = False

html_theme = 'alabaster'
html_title = f'MeMS {release} documentation'
