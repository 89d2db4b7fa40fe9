"""The site: chapter plan, execution with papermill, hashing, Sphinx and publishing."""
