"""The media types ``POST /invocations`` accepts: the ``Content-Type`` header, checked as MLflow does.

``application/json``, ``text/csv`` and ``application/vnd.apache.parquet`` (read when pyarrow is
installed); only a ``charset=utf-8`` parameter is accepted.
"""

from __future__ import annotations

from ...errors import UnsupportedMediaTypeError, bounded_repr

__all__ = ["EXAMPLE_BODY", "media_type"]

#: a request body quoted by error messages as what to send
EXAMPLE_BODY = '{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2.5]]}}'
_MEDIA = {"application/json": "json", "text/csv": "csv", "application/vnd.apache.parquet": "parquet"}


def media_type(header: str | bytes | None) -> str:
    """Return ``json``, ``csv`` or ``parquet`` for a Content-Type header value.

    Raises:
        UnsupportedMediaTypeError: missing header, another media type, a parameter other than
            ``charset``, or a charset other than UTF-8.
    """
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    if not header or not header.strip():
        raise UnsupportedMediaTypeError(
            "The request has no Content-Type header. Send 'Content-Type: application/json' with a "
            f"JSON body such as {EXAMPLE_BODY}, or 'Content-Type: text/csv' with a CSV table."
        )
    main, _, rest = header.partition(";")
    kind = _MEDIA.get(main.strip().lower())
    if kind is None:
        raise UnsupportedMediaTypeError(
            f"Content-Type {bounded_repr(main.strip())} is not supported. Send 'application/json' "
            "(dataframe_split, dataframe_records, instances or inputs) or 'text/csv'."
        )
    for param in rest.split(";"):
        if not param.strip():
            continue
        key, _, value = param.partition("=")
        key = key.strip().lower()
        if key != "charset":
            raise UnsupportedMediaTypeError(
                f"Unrecognized Content-Type parameter {bounded_repr(key)}. Only 'charset=utf-8' is "
                "accepted; the pandas 'format=' parameter of MLflow 1.x is replaced by the JSON keys "
                f"(for example {EXAMPLE_BODY})."
            )
        if value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise UnsupportedMediaTypeError(
                f"charset {bounded_repr(value.strip())} is not supported; send the body as UTF-8 "
                "('charset=utf-8')."
            )
    return kind
