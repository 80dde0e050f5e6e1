"""The `dxlab` command, thin (STYLE 12): every command module parses, calls the API or
the bus, and renders tables and progress. The entry point is `dxlab.cli.main:main`; this
package imports none of its modules, so `python -m dxlab.cli.main` runs that module once
(importing it here made runpy execute it a second time, with a RuntimeWarning)."""
