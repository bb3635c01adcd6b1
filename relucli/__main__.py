"""`python -m relucli`: the relucli command."""

from .cli import main

if __name__ == "__main__":
    main()
