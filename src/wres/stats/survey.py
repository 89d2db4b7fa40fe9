"""Assumptions about the NHS Staff Survey that the statistics need (kept free of heavy
imports: the synthetic panel and the report's captions import it too)."""

#: Design effect assumed for the weighted NHS Staff Survey percentages. The survey is
#: weighted and its design effect is not published, so this is an assumption, a
#: parameter, and stated on every page that uses it; the synthetic panel is built with it.
SURVEY_DEFF = 1.5
