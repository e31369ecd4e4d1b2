"""ML Runtimes: the images jobs and applications run in, named by ``image_identifier``."""
