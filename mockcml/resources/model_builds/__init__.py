"""Model builds: a snapshot of a model's code packaged into an image, with a simulated lifecycle."""
