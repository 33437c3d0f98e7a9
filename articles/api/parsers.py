"""The parser of the API's request bodies: JSON, and nothing else (415 for other bodies).

Python's json module recurses once per level of nesting, so a small body such as
`[[[[...]]]]` five thousand deep exhausts the stack; that is malformed input like any
other and gets the same 400 parse_error.
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ArchiveJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
