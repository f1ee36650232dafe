"""`exhubert push`: upload a saved model directory (weights, config, remote code, card) to the Hub."""

import argparse


def register(subparsers) -> None:
    """Adds the `push` sub-command."""
    parser = subparsers.add_parser(
        "push",
        help="upload a saved model directory to the Hugging Face Hub",
        description=(
            "Upload a model directory written by save_pretrained (weights, config, the self-contained remote-code "
            "files, feature extractor and model card) to a Hub repository in one commit."
        ),
    )
    parser.add_argument("model_dir", help="directory written by save_pretrained / exhubert expand / training")
    parser.add_argument("repo_id", help="target repository, namespace/name")
    parser.add_argument("--private", action="store_true", help="create the repository as private")
    parser.add_argument("--token", help="Hub token with write access (default: HF_TOKEN or `hf auth login`)")
    parser.add_argument("--commit-message", help="commit message (default: 'Upload ExHuBERT model')")
    parser.add_argument("--revision", help="branch to commit to")
    parser.add_argument("--create-pr", action="store_true", help="open a pull request instead of committing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Pushes `args.model_dir` to `args.repo_id` and prints the commit URL."""
    from ..hub.push import push_model

    options = ("private", "token", "commit_message", "revision", "create_pr")
    info = push_model(args.model_dir, args.repo_id, **{name: getattr(args, name) for name in options})
    print(f"Pushed {args.model_dir} to {args.repo_id}: {getattr(info, 'commit_url', info)}")
    return 0
