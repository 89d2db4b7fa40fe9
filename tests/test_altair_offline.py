"""The offline Altair renderer (wres.book.altair_offline)."""

import altair as alt
import pandas as pd

from wres.book import altair_offline


def chart():
    df = pd.DataFrame({"year": [2016, 2017], "value": [1.5, 1.4]})
    return alt.Chart(df, title="T", description="Ratio fell from 1.5 to 1.4").mark_line().encode(x="year:Q", y="value:Q")


def test_html_only_no_remote_script_and_text_alternative():
    altair_offline.reset_ids()
    bundle = altair_offline.renderer(chart().to_dict())
    assert set(bundle) == {"text/html"}
    html = bundle["text/html"]
    assert 'role="img"' in html and "Ratio fell from 1.5 to 1.4" in html
    # The spec names its $schema URL, but nothing is loaded from the web.
    assert "vegaEmbed" in html and "<script src" not in html and "cdn" not in html.lower()


def test_unvalidated_display_matches_the_validated_renderer():
    altair_offline.reset_ids()
    validated = altair_offline.renderer(chart().to_dict())["text/html"]
    altair_offline.reset_ids()
    fast = altair_offline.Unvalidated(chart())._repr_mimebundle_()["text/html"]
    assert fast == validated


def test_ids_are_deterministic_and_unique_within_a_page():
    altair_offline.reset_ids()
    a = altair_offline.renderer(chart().to_dict())["text/html"]
    b = altair_offline.renderer(chart().to_dict())["text/html"]
    altair_offline.reset_ids()
    again = altair_offline.renderer(chart().to_dict())["text/html"]
    assert a == again and a != b
