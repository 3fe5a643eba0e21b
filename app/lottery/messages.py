"""Sentences the pure rules give back, in English, for the Flask layer to translate.

The rules stay free of Flask: a `Problem` is the English sentence (a plain str, so the
command line, logs and tests read it as before) that also keeps its message id and
parameters, so a page can show it in the reader's language.
"""


def N_(message: str) -> str:
    """Mark `message` for extraction into the catalogue; it is translated where shown."""
    return message


class Problem(str):
    """An English sentence that remembers its untranslated message and named parameters."""

    message: str
    params: dict

    def __new__(cls, message: str, **params):
        self = super().__new__(cls, message % params if params else message)
        self.message = message
        self.params = params
        return self

    def __reduce__(self):
        return (_problem, (self.message, self.params))


def _problem(message: str, params: dict) -> Problem:
    return Problem(message, **params)
