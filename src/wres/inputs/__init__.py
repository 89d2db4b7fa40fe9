"""Raw files to validated frames: the national published figures, organisation files, the spreadsheet importer, sidecars and the synthetic panel."""
