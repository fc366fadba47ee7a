"""Training of the small models the project ships (models/), one ``semsat-train`` subcommand each."""
