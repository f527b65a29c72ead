# SPDX-License-Identifier: MIT
"""The ``kernel-doc`` directive: the API reference, read from the headers.

Every public function and structure of MeMS is described once, in a
kernel-doc comment above its declaration in ``include/``.  This extension
reads those comments while Sphinx builds the manual, so that the reference
cannot disagree with the headers it describes.  The Linux kernel does the
same with its scripts/kernel-doc; MeMS uses a small part of the format,
parsed here with the Python standard library and docutils alone::

    /**
     * name() - summary, which may go on over several lines.
     * @param: its description; the lines after it continue it.
     *
     * Any number of paragraphs.
     *
     * Return: what the function returns.
     */
    int name(int param);

``struct name - summary`` and ``enum name - summary`` comments describe
their members with ``@member:`` lines; an enumerator without one is
described by the comment on its line.  A comment may sit on one line,
``/** name() - summary. */``.

The text of a comment is plain text, not reStructuredText: it is shown as
written, in paragraphs, except for the kernel-doc highlights.  ``@name``
is set in bold, ``name()`` links to the function, ``&struct name`` to the
structure, and ``%NAME`` and text between double backquotes are set as
code.

``.. kernel-doc:: include/mems/heap.h`` (a path from the top of the
source tree, the ``kerneldoc_srctree`` setting) emits the C-domain entry
of each documented declaration, in the header's order: ``c:function``,
``c:struct`` with a ``c:member`` per member, ``c:enum`` with its
``c:enumerator`` entries, ``c:macro`` for a ``#define`` without
arguments (``/** NAME - summary */``); and a ``c:struct`` for each
opaque structure.
A comment that names another declaration than the one after it, a
parameter or member the declaration lacks, or one the declaration has
and the comment leaves out, is a warning, which ``make htmldocs`` turns
into an error.
"""

import os
import re
from dataclasses import dataclass, field

from docutils import nodes
from docutils.statemachine import ViewList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, switch_source_input

logger = logging.getLogger(__name__)

# A kernel-doc comment opens with exactly two stars: not /*** banners.
DOC_COMMENT = re.compile(r'/\*\*(?![*/])(.*?)\*/', re.S)
ANY_COMMENT = re.compile(r'/\*.*?\*/', re.S)
# "name() - summary", "struct name - summary", "enum name: summary".
COMMENT_HEAD = re.compile(
    r'^(?:(?P<tag>struct|union|enum)\s+)?(?P<name>\w+)\s*(?P<parens>\(\))?'
    r'\s*(?:[-:]\s*(?P<summary>.*))?$')
MACRO_DECL = re.compile(r'#\s*define\s+(?P<name>\w+)(?P<args>\([^)]*\))?')
PARAM_LINE = re.compile(r'^@(?P<name>[\w.]+|\.\.\.)\s*:\s?(?P<text>.*)$')
SECTION_LINE = re.compile(
    r'^(?P<title>description|context|returns?|notes?|examples?)\s*:\s*'
    r'(?P<text>.*)$', re.I)
OPAQUE_DECL = re.compile(r'^(?P<tag>struct|union)\s+(?P<name>\w+)\s*;', re.M)
# What kernel-doc highlights in the text of a comment.
INLINE = re.compile(r'''
      (?P<literal>``.+?``)
    | (?<![\w@])@(?P<param>\w+(?:\.\w+|->\w+)*|\.\.\.)
    | \b(?P<func>[A-Za-z_]\w*)\(\)
    | &(?P<tag>struct|union|enum)\s+(?P<type>\w+)
    | (?<![\w%])%(?P<const>[A-Za-z_]\w*)
''', re.X)
RST_SPECIAL = re.compile(r'([\\*`_|])')
C_TYPE_WORDS = {'void', 'char', 'short', 'int', 'long', 'float', 'double',
                'signed', 'unsigned', 'const', 'volatile', 'struct',
                'union', 'enum', '_Bool'}


@dataclass
class Comment:
    """One kernel-doc comment and the declaration that follows it."""
    line: int
    tag: str        # 'struct', 'union', 'enum', 'define' or '' (function)
    name: str
    summary: str
    params: dict = field(default_factory=dict)      # name -> [lines]
    sections: list = field(default_factory=list)    # [title, [lines]]
    decl: str = ''


@dataclass
class Problem:
    """A warning about a header, at a line of it."""
    line: int
    message: str


# ---------------------------------------------------------------------------
# Reading the header


def line_of(text, pos):
    """The line number, from 1, of offset pos in text."""
    return text.count('\n', 0, pos) + 1


def squeeze(text):
    """text with comments taken out and each run of white space one space."""
    return ' '.join(ANY_COMMENT.sub(' ', text).split())


def declaration_after(text, pos):
    """The raw declaration that starts after pos: up to its ';' outside
    braces and comments, without that ';'."""
    depth = 0
    i = pos
    while i < len(text):
        if text.startswith('/*', i):
            end = text.find('*/', i + 2)
            i = len(text) if end < 0 else end + 2
            continue
        char = text[i]
        if char == '{':
            depth += 1
        elif char == '}':
            depth -= 1
        elif char == ';' and depth == 0:
            return text[pos:i].strip()
        i += 1
    return text[pos:].strip()


def comment_lines(body):
    """The lines of a comment's body, the leading ' * ' taken off each."""
    lines = body.split('\n')
    lines = [lines[0].strip()] + [re.sub(r'^\s*\*?[ \t]?', '', line).rstrip()
                                  for line in lines[1:]]
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


def is_section_break(line):
    """Whether line ends a summary: blank, a parameter or a section."""
    stripped = line.strip()
    return (not stripped or PARAM_LINE.match(stripped) is not None
            or SECTION_LINE.match(stripped) is not None)


def section_title(word):
    """'returns' -> 'Return', 'notes' -> 'Note': one spelling each."""
    word = word.capitalize()
    return word[:-1] if word in ('Returns', 'Notes', 'Examples') else word


def parse_body(comment, lines):
    """Fill comment's parameters and sections from the lines after its
    summary, as kernel-doc reads them: a parameter goes on to the next
    blank line, a section to the next section."""
    param = None
    section = None
    for line in lines:
        stripped = line.strip()
        match = PARAM_LINE.match(stripped)
        if match:
            param, section = match['name'], None
            comment.params[param] = [match['text']]
            continue
        match = SECTION_LINE.match(stripped)
        if match:
            param = None
            section = [section_title(match['title']), [match['text']]]
            comment.sections.append(section)
            continue
        if param and stripped:
            comment.params[param].append(stripped)
            continue
        param = None
        if section is None:
            if not stripped:
                continue
            section = ['Description', []]
            comment.sections.append(section)
        section[1].append(line)


def parse_comment(body, line):
    """The Comment of a kernel-doc body, or a Problem when its first line
    is not 'name() - summary' or 'struct name - summary'."""
    lines = comment_lines(body)
    head = COMMENT_HEAD.match(lines[0]) if lines else None
    if head is None:
        return Problem(line, "this comment starts with '/**' but is not a "
                       "kernel-doc comment ('name() - summary')")
    summary = [head['summary'] or '']
    rest = lines[1:]
    while rest and not is_section_break(rest[0]):
        summary.append(rest.pop(0).strip())
    comment = Comment(line, head['tag'] or '', head['name'],
                      ' '.join(part for part in summary if part))
    if not comment.summary:
        return Problem(line, f"the comment of {head['name']} has no summary "
                       "after its name ('name() - summary')")
    parse_body(comment, rest)
    return comment


def split_top(text, separator):
    """text split at each separator outside (), [] and {}."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in '([{':
            depth += 1
        elif char in ')]}':
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def declarator_name(text):
    """The name a parameter or member declaration declares: 'p' of
    'const char *p', of 'int (*p)(void)' and of 'char p[4]'; None when
    it declares none ('void', an unnamed parameter)."""
    pointer = re.search(r'\(\s*\*\s*(\w+)\s*\)', text)
    if pointer:
        return pointer.group(1)
    if text.strip() == '...':
        return '...'
    text = re.sub(r'\[[^]]*\]|:\s*\w+\s*$', '', text).strip()
    words = re.findall(r'\w+', text)
    if len(words) < 2 or text.endswith('*') or words[-1] in C_TYPE_WORDS \
            or (len(words) == 2 and words[0] in ('struct', 'union', 'enum')):
        return None
    return words[-1]


def function_name(decl):
    """The name a function prototype declares."""
    match = re.search(r'(\w+)\s*\(', decl)
    return match.group(1) if match else None


def function_params(decl):
    """The parameter declarations of a prototype, in order, as text."""
    start = decl.find('(', decl.find(function_name(decl) or '('))
    depth = 0
    for end in range(start, len(decl)):
        depth += {'(': 1, ')': -1}.get(decl[end], 0)
        if depth == 0:
            break
    params = split_top(decl[start + 1:end], ',')
    return [] if params == ['void'] else params


def braced_body(decl):
    """What a struct or enum definition holds between its braces."""
    start = decl.find('{')
    end = decl.rfind('}')
    return decl[start + 1:end] if 0 <= start < end else None


def struct_members(body):
    """(name, declaration) of each member of a struct body; 'int a, b;'
    gives two."""
    members = []
    for decl in split_top(squeeze(body), ';'):
        parts = split_top(decl, ',')
        first = parts[0]
        name = declarator_name(first)
        members.append((name, first))
        base = first[:first.rfind(name)].rstrip(' *(') if name else first
        members += [(declarator_name(base + ' ' + part), base + ' ' + part)
                    for part in parts[1:]]
    return members


def enumerators(body):
    """(name, value, comment) of each enumerator of an enum body, the
    comment being the one on its line."""
    found = []
    for line in body.split('\n'):
        comments = re.findall(r'/\*(.*?)\*/', line)
        code = ANY_COMMENT.sub(' ', line)
        names = [part.split('=', 1) for part in code.split(',')
                 if part.strip()]
        for parts in names:
            value = parts[1].strip() if len(parts) > 1 else ''
            found.append([parts[0].strip(), value, ''])
        if comments and found and names:
            found[-1][2] = ' '.join(comments[-1].split())
    return found


def described(comment):
    """What comment says it describes: 'name()' or 'struct name'."""
    return f'{comment.tag} {comment.name}' if comment.tag \
        else f'{comment.name}()'


def declared(comment):
    """What the declaration after comment declares, written as
    described() writes it."""
    decl = squeeze(comment.decl)
    if not comment.tag:
        return (function_name(decl) or decl[:40]) + '()'
    match = re.match(r'(?:typedef\s+)?(struct|union|enum)\s+(\w+)', decl)
    return ' '.join(match.groups()) if match else decl[:40]


def declared_names(comment):
    """The parameters, members or enumerators of comment's declaration."""
    body = braced_body(comment.decl) or ''
    if not comment.tag:
        return [declarator_name(p) for p in function_params(
            squeeze(comment.decl))]
    if comment.tag == 'enum':
        return [name for name, _, _ in enumerators(body)]
    return [name for name, _ in struct_members(body)]


def check_declaration(comment):
    """Problems of a comment that does not describe its declaration."""
    wanted, found = described(comment), declared(comment)
    if wanted != found:
        return [Problem(comment.line, f'the comment describes {wanted}, '
                        f'the declaration after it is {found}')]
    kind = 'member' if comment.tag else 'parameter'
    names = [name for name in declared_names(comment)
             if name and name != 'void']
    return [Problem(comment.line, f"{wanted} has no {kind} '{name}', which "
                    "the comment describes")
            for name in comment.params if name not in names] + \
        [Problem(comment.line, f"the comment of {wanted} does not describe "
                 f"its {kind} '{name}'")
         for name in names if name not in comment.params]


def check_macro(comment):
    """Problems of a comment before a #define: it must name the macro,
    which must take no arguments."""
    match = MACRO_DECL.match(comment.decl)
    if not match:
        return [Problem(comment.line, 'kernel-doc of a preprocessor line '
                        'other than #define is not supported')]
    if match['args'] is not None:
        return [Problem(comment.line, 'kernel-doc of macros with '
                        'arguments is not supported')]
    if match['name'] != comment.name or comment.tag:
        return [Problem(comment.line, f'the comment describes '
                        f'{comment.name}, the declaration after it is '
                        f'{match["name"]}')]
    comment.tag = 'define'
    return []


def parse_header(text):
    """The Comments of a header and its opaque structures, in the order
    of the header, and the Problems found."""
    items, problems = [], []
    for match in DOC_COMMENT.finditer(text):
        line = line_of(text, match.start())
        comment = parse_comment(match.group(1), line)
        if isinstance(comment, Problem):
            problems.append(comment)
            continue
        comment.decl = declaration_after(text, match.end())
        if comment.decl.startswith('#'):
            comment.decl = text[match.end():].lstrip().split('\n', 1)[0]
            found = check_macro(comment)
        else:
            found = check_declaration(comment)
        problems += found
        if not found:
            items.append((match.start(), comment))
    documented = {item.name for _, item in items if item.tag}
    plain = ANY_COMMENT.sub(lambda m: re.sub(r'[^\n]', ' ', m.group()), text)
    for match in OPAQUE_DECL.finditer(plain):
        if match['name'] in documented:
            continue
        opaque = Comment(line_of(text, match.start()), match['tag'],
                         match['name'], '')
        items.append((match.start(), opaque))
    return [item for _, item in sorted(items, key=lambda i: i[0])], problems


# ---------------------------------------------------------------------------
# Writing reStructuredText


def escape(text):
    """Plain text as reStructuredText that shows it unchanged."""
    return RST_SPECIAL.sub(r'\\\1', text)


def markup(match):
    """The reStructuredText of one kernel-doc highlight."""
    if match['literal']:
        return match['literal']
    if match['param']:
        return f'**{match["param"]}**'
    if match['func']:
        return f':c:func:`{match["func"]}()`'
    if match['type']:
        return f':c:type:`{match["tag"]} {match["type"]} <{match["type"]}>`'
    return f'``{match["const"]}``'


def highlight(text):
    """A paragraph of comment text as reStructuredText: the text escaped,
    the kernel-doc highlights marked up, and a paragraph that would read
    as a list, a comment or a literal block's start kept a paragraph."""
    out, pos = [], 0
    for match in INLINE.finditer(text):
        out.append(escape(text[pos:match.start()]))
        before = text[match.start() - 1] if match.start() else ' '
        after = text[match.end()] if match.end() < len(text) else ' '
        out.append(('' if before.isspace() else '\\ ') + markup(match) +
                   ('' if after.isspace() else '\\ '))
        pos = match.end()
    out.append(escape(text[pos:]))
    result = ''.join(out)
    if re.match(r'[-+#>.:]|\w{1,3}[.)]\s|\(\w{1,3}\)\s', text):
        result = '\\' + result
    if result.endswith('::'):
        result = result[:-1] + '\\:'
    return result


def paragraphs(lines):
    """The paragraphs of some comment lines, each joined into one line."""
    found, current = [], []
    for line in lines + ['']:
        if line.strip():
            current.append(line.strip())
        elif current:
            found.append(' '.join(current))
            current = []
    return found


def text_block(lines, indent):
    """Comment lines as highlighted paragraphs, indented."""
    out = []
    for paragraph in paragraphs(lines):
        out += [indent + highlight(paragraph), '']
    return out


def render_sections(comment, indent):
    """The Description, Return, ... sections of a comment."""
    out = []
    for title, lines in comment.sections:
        block = text_block(lines, indent)
        if block:
            out += [f'{indent}**{title}**', ''] + block
    return out


def render_function(comment):
    """A function's c:function entry, kernel-doc's layout inside."""
    decl = squeeze(comment.decl)
    decl = re.sub(r'^extern\s+', '', decl)
    out = [f'.. c:function:: {decl}', '',
           '   ' + highlight(comment.summary), '']
    params = [(p, declarator_name(p)) for p in function_params(decl)]
    documented = [(p, name) for p, name in params if name in comment.params]
    if documented:
        out += ['   **Parameters**', '']
        for param, name in documented:
            out += [f'   ``{param}``'] + text_block(comment.params[name],
                                                     '     ')
    return out + render_sections(comment, '   ')


def render_struct(comment):
    """A struct's c:struct entry with a c:member per member; an opaque
    one says so."""
    directive = 'c:union' if comment.tag == 'union' else 'c:struct'
    out = [f'.. {directive}:: {comment.name}', '']
    if comment.summary:
        out += ['   ' + highlight(comment.summary), '']
    body = braced_body(comment.decl) if comment.decl else None
    if body is None:
        return out + ['   Declared without a definition: programs hold it '
                      'only through pointers.', '']
    for name, decl in struct_members(body):
        out += [f'   .. c:member:: {decl}', '']
        out += text_block(comment.params.get(name, []), '      ')
    return out + render_sections(comment, '   ')


def render_enum(comment):
    """An enum's c:enum entry with a c:enumerator per enumerator."""
    out = [f'.. c:enum:: {comment.name}', '',
           '   ' + highlight(comment.summary), '']
    for name, value, note in enumerators(braced_body(comment.decl) or ''):
        out += [f'   .. c:enumerator:: {name}' + (f' = {value}' if value
                                                    else ''), '']
        out += text_block(comment.params.get(name, [note]), '      ')
    return out + render_sections(comment, '   ')


def render_macro(comment):
    """An object-like macro's c:macro entry."""
    return [f'.. c:macro:: {comment.name}', '',
            '   ' + highlight(comment.summary), ''] + \
        render_sections(comment, '   ')


def in_scope(scope, lines):
    """lines declared inside the C-domain scope scope."""
    return [f'.. c:namespace-push:: {scope}', ''] + lines + \
        ['', '.. c:namespace-pop::', '']


def render(items):
    """The reStructuredText of a header's items, a list of (line, lines).
    Sphinx's C domain has one name space where C has two: a function
    named as a structure is declared in the scope 'function', so that
    neither hides the other."""
    types = {item.name for item in items
             if item.tag and item.tag != 'define'}
    out = []
    for item in items:
        if item.tag == 'define':
            lines = render_macro(item)
        elif item.tag == 'enum':
            lines = render_enum(item)
        elif item.tag:
            lines = render_struct(item)
        elif item.name in types:
            lines = in_scope('function', render_function(item))
        else:
            lines = render_function(item)
        out.append((item.line, lines + ['']))
    return out


# ---------------------------------------------------------------------------
# The directive


class KernelDoc(SphinxDirective):
    """``.. kernel-doc:: include/mems.h``: a header's reference."""
    required_arguments = 1
    has_content = False

    def header_path(self):
        """The header the argument names, from the top of the tree."""
        srctree = self.config.kerneldoc_srctree or \
            os.path.dirname(os.path.abspath(self.env.srcdir))
        return os.path.normpath(os.path.join(srctree, self.arguments[0]))

    def run(self):
        path = self.header_path()
        self.env.note_dependency(path)
        try:
            with open(path, encoding='utf-8') as header:
                text = header.read()
        except OSError as error:
            raise self.error(f'kernel-doc: cannot read {path}: '
                             f'{error.strerror}')
        items, problems = parse_header(text)
        for problem in problems:
            logger.warning(f'kernel-doc: {problem.message}',
                           location=f'{path}:{problem.line}')
        if not items and not problems:
            logger.warning('kernel-doc: no kernel-doc comment found',
                           location=f'{path}:1')
        return self.parse_generated(render(items), path)

    def parse_generated(self, blocks, path):
        """Parse the generated text, its lines attributed to the header
        comments they come from."""
        lines = ViewList()
        for line, block in blocks:
            for text in block:
                lines.append(text, path, line - 1)
        container = nodes.Element()
        with switch_source_input(self.state, lines):
            self.state.nested_parse(lines, 0, container)
        return container.children


def setup(app):
    app.add_config_value('kerneldoc_srctree', None, 'env')
    app.add_directive('kernel-doc', KernelDoc)
    return {'version': '1', 'parallel_read_safe': True,
            'parallel_write_safe': True}
