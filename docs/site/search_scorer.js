// The course site's search ranking (html_search_scorer in conf.py): Sphinx's default weights, except that a
// worked solution ranks below the lessons, so that a reader's search leads to the lesson first.
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, descr, score, filename, kind] = result;
    return docname.startsWith("solutions/") ? score - 3 : score;
  },
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
