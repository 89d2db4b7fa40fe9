"""Pure statistics: arrays and frames in, numbers out. No words, files, HTML or registry wording."""
