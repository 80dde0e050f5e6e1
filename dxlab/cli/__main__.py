from dxlab.cli.main import main

main()
