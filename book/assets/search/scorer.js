/* wres: the site search's scorer (Sphinx's `html_search_scorer`, copied into
   _static/language_data.js).  Sphinx's own weights, plus one rule: a page whose file name is
   exactly what the reader typed comes first.  An organisation's profile is named by its code
   (book/generated/orgs/<code>.html), and every profile's funnel tables name every
   organisation, so without this rule a search for a code lists its own page among all the
   others in alphabetical order. */
var Scorer = {
  score: (result) => {
    const [docname, , , , score] = result;
    const params = new URLSearchParams(window.location.search);
    const query = (params.get("q") || "").trim().toLowerCase();
    const file = String(docname).split("/").pop().toLowerCase();
    return query && file === query ? score + 1000 : score;
  },
  // Sphinx 7.4's defaults (sphinx/themes/basic/static/searchtools.js).
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
