"""Plain text as the site keeps it: no control characters.

Text pasted from a word processor carries characters no page, feed or file needs: Word's soft line
break (``\\x0b``), a form feed, an escape sequence. XML 1.0 cannot carry most of them at all, so one
in a summary would take down every feed it appears in (Django's feed writer refuses it). They are
taken out where text comes in (a model's `clean_fields`, which the admin's forms run, and the import's
cells), and again where text goes out in XML (the feeds), for what was stored before.
"""

import re

# Characters that break a line: a new line in multi-line text, a space in a one-line field.
LINE_BREAKS = re.compile("\r\n|[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# What else is a control character (C0 but tab, line feed and carriage return; DEL; C1), or is not a
# character XML may carry (unpaired surrogates, U+FFFE, U+FFFF).
CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def plain_text(value, *, multiline=True):
    """`value` without control characters: line breaks made new lines (spaces if not `multiline`),
    the others removed. Anything that is not a string is returned as it is."""
    if not isinstance(value, str) or not (LINE_BREAKS.search(value) or CONTROLS.search(value)):
        return value
    value = CONTROLS.sub("", value)
    if multiline:
        return LINE_BREAKS.sub(lambda match: "\r\n" if match.group() == "\r\n" else "\n", value)
    return LINE_BREAKS.sub(" ", value.replace("\r", " ").replace("\n", " "))
