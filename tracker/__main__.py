from tracker.cli.start import run

run()
