"""The ways in: command line, REST API, web app."""
