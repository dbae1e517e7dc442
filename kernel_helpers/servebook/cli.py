"""The ``servebook`` command (also ``python -m servebook``): ``serve``, ``predict``, ``inspect``.

Options mirror ``mlflow models serve``/``predict`` where they overlap (``-m``, ``-h`` for the host,
``-p``, ``-w``, ``-t``, ``-i``, ``-o``), with the same environment fallbacks (``MLFLOW_PORT``,
``MLFLOW_HOST``, ``MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT``, ``MLFLOW_MODELS_WORKERS``), so scripts
carry over. Because ``-h`` is the host, help is ``--help`` only.

Exit codes: 0 success, 1 failure (a clear message on stderr, no traceback unless ``--debug``),
2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from ._version import __version__
from .errors import InvalidInputError, ServebookError

__all__ = ["build_parser", "main"]

_EPILOG = "Use 'servebook <command> --help' for the options of a command."


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value else default


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _add_help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--help", action="help", help="show this help and exit")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``servebook`` command."""
    parser = argparse.ArgumentParser(
        prog="servebook",
        description="Serve, score and inspect MLflow-format models without MLflow.",
        epilog=_EPILOG,
        add_help=False,
    )
    _add_help(parser)
    parser.add_argument("--version", action="version", version=f"servebook {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="{serve,predict,inspect}")

    serve = commands.add_parser(
        "serve",
        add_help=False,
        help="serve a model over HTTP (wire-compatible with 'mlflow models serve')",
        description="Serve a model on /invocations (plus /ping, /health, /version).",
    )
    _add_help(serve)
    serve.add_argument(
        "-m", "--model-uri", required=True, help="model directory, file:// or runs:/ / models:/ URI"
    )
    serve.add_argument(
        "-h",
        "--host",
        default=_env("MLFLOW_HOST", "127.0.0.1"),
        help="address to bind (default 127.0.0.1, env MLFLOW_HOST)",
    )
    serve.add_argument(
        "-p",
        "--port",
        type=_positive_int,
        default=_env("MLFLOW_PORT", "5000"),
        help="port to bind; 0 picks a free one (default 5000, env MLFLOW_PORT)",
    )
    serve.add_argument(
        "-w",
        "--workers",
        type=_positive_int,
        default=_env("MLFLOW_MODELS_WORKERS", "1"),
        help="worker processes (default 1, env MLFLOW_MODELS_WORKERS)",
    )
    serve.add_argument(
        "-t",
        "--timeout",
        type=_seconds,
        default=_env("MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT", "60"),
        help="seconds a request may take before a 504 (default 60, env "
        "MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT)",
    )
    serve.add_argument(
        "--max-body-size",
        type=_positive_int,
        default=100 * 1024 * 1024,
        metavar="BYTES",
        help="largest accepted request body (default 100 MB; 413 above)",
    )
    serve.add_argument(
        "--ready-file",
        metavar="FILE",
        help="write {pid, host, port, url} to FILE once serving (for launchers)",
    )
    serve.add_argument(
        "--token", default=None, help="require 'Authorization: Bearer TOKEN' (env SERVEBOOK_TOKEN)"
    )
    serve.add_argument(
        "--max-batch-size",
        type=_positive_int,
        default=None,
        metavar="N",
        help="merge concurrent requests into predict calls of up to N rows",
    )
    serve.add_argument(
        "--max-batch-delay-ms",
        type=float,
        default=None,
        metavar="MS",
        help="how long a batch may wait for more requests (default 2)",
    )
    serve.add_argument(
        "--debug",
        action="store_true",
        help="log every request and include tracebacks in errors and responses",
    )

    predict = commands.add_parser(
        "predict",
        add_help=False,
        help="score a JSON or CSV file with a model, without a server",
        description="Score INPUT with the model and write the predictions as JSON.",
    )
    _add_help(predict)
    predict.add_argument("-m", "--model-uri", required=True, help="model directory or URI")
    predict.add_argument("-i", "--input-path", default=None, help="input file (default: stdin)")
    predict.add_argument("-o", "--output-path", default=None, help="output file (default: stdout)")
    predict.add_argument(
        "-t",
        "--content-type",
        choices=("json", "csv"),
        default="json",
        help="input format (default json: a body as sent to /invocations)",
    )
    predict.add_argument("--debug", action="store_true", help="show tracebacks")

    inspect = commands.add_parser(
        "inspect",
        add_help=False,
        help="describe a model without loading it (no code runs)",
        description="Read a model's MLmodel and files and report what loading it would do.",
    )
    _add_help(inspect)
    inspect.add_argument("model_uri", help="model directory or URI")
    inspect.add_argument("--json", action="store_true", help="print the report as JSON")
    inspect.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def _serve(args: argparse.Namespace) -> int:
    from .serve.runner import ServeOptions, run_server

    options = ServeOptions(
        model_uri=args.model_uri,
        host=args.host,
        port=int(args.port),
        workers=max(1, int(args.workers)),
        timeout=float(args.timeout),
        max_body_size=args.max_body_size,
        ready_file=args.ready_file,
        token=args.token or os.environ.get("SERVEBOOK_TOKEN") or None,
        debug=args.debug,
        max_batch_size=args.max_batch_size,
        max_batch_delay_ms=args.max_batch_delay_ms,
    )
    return run_server(options)


def _predict(args: argparse.Namespace) -> int:
    from .serve import protocol
    from .tracking.loading import load_model

    if args.input_path:
        with open(args.input_path, "rb") as handle:
            body = handle.read()
    else:
        body = sys.stdin.buffer.read()
    model = load_model(args.model_uri)
    schema = model.metadata.get_input_schema()
    plan = protocol.plan_from_schema(schema)
    parsed = protocol.parse_request(body, args.content_type, plan)
    try:
        predictions = model.predict(parsed.data, params=parsed.params)
    except ServebookError:
        raise
    except Exception as exc:  # the model's own failure, reported like the server does
        from .errors import ModelError

        raise ModelError(f"The model's predict raised {type(exc).__name__}: {exc}") from exc
    output = protocol.encode_predictions(predictions)
    if args.output_path:
        with open(args.output_path, "wb") as handle:
            handle.write(output)
    else:
        sys.stdout.buffer.write(output + b"\n")
        sys.stdout.flush()
    return 0


def _inspect(args: argparse.Namespace) -> int:
    from .inspection import run_inspect_command

    return int(run_inspect_command(args.model_uri, args.json))


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "serve": _serve,
    "predict": _predict,
    "inspect": _inspect,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``servebook`` command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_usage(sys.stderr)
        print("servebook: error: choose a command: serve, predict or inspect. " + _EPILOG, file=sys.stderr)
        return 2
    debug = getattr(args, "debug", False)
    try:
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the command line's one error boundary: a message, not a traceback
        if debug:
            raise
        kind = "invalid input" if isinstance(exc, InvalidInputError) else type(exc).__name__
        hint = "" if isinstance(exc, ServebookError | OSError) else " (run with --debug for the traceback)"
        print(f"servebook {args.command}: {kind}: {exc}{hint}", file=sys.stderr)
        return 1
