"""`exhubert export-onnx`: export an audio classifier to ONNX and verify it against PyTorch."""

import argparse


def register(subparsers) -> None:
    """Adds the `export-onnx` sub-command."""
    parser = subparsers.add_parser(
        "export-onnx",
        help="export a classifier to ONNX (dynamic batch and length), verified against PyTorch",
        description=(
            "Export an ExHuBERT (or any audio classification) checkpoint to ONNX with dynamic batch size and length, "
            "and check ONNX Runtime's logits against PyTorch's. Needs `pip install exhubert[onnx]`."
        ),
    )
    parser.add_argument("model", help="model directory or Hub id")
    parser.add_argument("output", help="the .onnx file to write")
    parser.add_argument("--no-verify", action="store_true", help="skip the ONNX Runtime vs PyTorch comparison")
    parser.add_argument("--atol", type=float, default=1e-4, help="largest accepted logit difference (default 1e-4)")
    parser.add_argument("--trust-remote-code", action="store_true", help="allow custom code of other checkpoints")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Exports `args.model` to `args.output` and prints the verification result."""
    from ..export_onnx import export_onnx

    verify, remote = not args.no_verify, args.trust_remote_code
    report = export_onnx(args.model, args.output, verify=verify, atol=args.atol, trust_remote_code=remote)
    print(f"Wrote {report['path']} (inputs: {', '.join(report['inputs'])}; outputs: logits over {report['labels']})")
    if report["max_abs_difference"] is not None:
        print(f"ONNX Runtime vs PyTorch: max |logit difference| = {report['max_abs_difference']:.3g}")
    return 0
