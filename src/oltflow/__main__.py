from oltflow.cli import main

main()
