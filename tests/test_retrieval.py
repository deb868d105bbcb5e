"""Retrieval: tokens, weighted rank fusion, copy collapse, and the Retriever over a real embedded Chroma."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.config import Settings
from factcheck.corpus import load_corpus
from factcheck.dedup import collapse, copy_label
from factcheck.embeddings import HashEmbeddings
from factcheck.errors import ConfigError
from factcheck.retrieval import Fusion, Retriever, fuse, hybrid_rank, tokenize
from factcheck.store import VectorStore, make_client
from factcheck.types import Passage
from tests.conftest import write_source

pytestmark = pytest.mark.unit

STORY = (
    "Elon Musk's AI start-up xAI intends to expand Colossus, its supercomputer in Memphis, "
    "to at least one million graphics processing units, the Greater Memphis Chamber said on "
    "Wednesday. Colossus currently runs 100,000 GPUs, which xAI uses to train Grok."
)
COPY = STORY.replace("start-up", "startup").replace("Wednesday.", "Wednesday, December 4.")
OTHER = "The Tennessee Valley Authority approved 150 megawatts of power for the xAI site in Memphis."


def passage(cid: str, text: str, *, publisher: str = "P", published: date | None = None, lang: str = "en") -> Passage:
    return Passage(
        source_id=cid,
        chunk_id=cid,
        title="T",
        publisher=publisher,
        url=f"https://example.org/{cid}",
        published=published,
        language=lang,
        text=text,
        score=0.5,
    )


def test_tokenize_drops_accents_function_words_and_digit_grouping():
    assert tokenize("Le réseau de Colossus compte 100 000 GPU") == ["reseau", "colossus", "compte", "100000", "gpu"]
    assert tokenize("The cluster runs 100,000 GPUs.") == ["cluster", "runs", "100000", "gpus"]


def test_fusion_ranks_a_passage_found_by_both_retrievers_first():
    dense = [("a", 1.0), ("both", 1.0), ("c", 1.0)]
    lexical = [("d", 1.0), ("both", 1.0), ("e", 1.0)]
    ranked = [key for key, _ in fuse([dense, lexical], k=60)]
    assert ranked[0] == "both"
    assert ranked[1:3] == ["a", "d"], "equal scores keep the first run's order"


def test_weighted_fusion_respects_the_weight():
    dense = [("a", 1.0), ("b", 1.0)]
    # k = 10: a scores 1/11, b 1/12; a lexical hit at rank 1 scores weight/11.
    assert [key for key, _ in fuse([dense, [("x", 0.5), ("y", 0.5)]], k=10)] == ["a", "b", "x", "y"]
    assert [key for key, _ in fuse([dense, [("x", 0.95), ("y", 0.95)]], k=10)] == ["a", "x", "b", "y"]
    assert [key for key, _ in fuse([dense, [("x", 2.0), ("y", 2.0)]], k=10)] == ["x", "y", "a", "b"]
    assert [key for key, _ in fuse([dense, [("x", 0.0), ("y", 0.0)]], k=10)][:2] == ["a", "b"]


def test_cross_lingual_factor_lowers_bm25_only_across_languages():
    dense = [passage("d1", "xAI Colossus"), passage("d2", "Memphis")]
    lexical = [passage("en", "Colossus a 100 000 GPU"), passage("fr", "Colossus compte 100 000 GPU", lang="fr")]
    query = "Le superordinateur Colossus compte aujourd'hui 100 000 GPU selon la chambre de commerce."
    full = hybrid_rank(query, dense, lexical, Fusion(k=1, lexical=1.0, cross_lingual=1.0))
    damped = hybrid_rank(query, dense, lexical, Fusion(k=1, lexical=1.0, cross_lingual=0.1))
    assert [p.chunk_id for p in full] == ["d1", "en", "d2", "fr"]
    assert [p.chunk_id for p in damped] == ["d1", "d2", "fr", "en"], "the English hit loses weight, the French one not"


def test_bm25_weight_shrinks_with_the_share_of_the_index_in_the_query_language():
    dense = [passage("d1", "xAI Colossus"), passage("d2", "Memphis")]
    lexical = [passage("x", "Colossus 100 000 GPU")]
    fusion = Fusion(k=1, lexical=1.0, share_power=1.0)
    french = "Le superordinateur Colossus compte aujourd'hui 100 000 GPU selon la chambre de commerce."
    english = "The Colossus supercomputer runs 100,000 GPUs according to the chamber of commerce."
    mostly_english = {"en": 0.9, "fr": 0.1}
    assert [p.chunk_id for p in hybrid_rank(french, dense, lexical, fusion, mostly_english)] == ["d1", "d2", "x"]
    assert [p.chunk_id for p in hybrid_rank(english, dense, lexical, fusion, mostly_english)] == ["d1", "x", "d2"]
    assert [p.chunk_id for p in hybrid_rank(french, dense, lexical, fusion, {"fr": 1.0})] == ["d1", "x", "d2"]
    assert [p.chunk_id for p in hybrid_rank(french, dense, lexical, fusion, None)] == ["d1", "x", "d2"]


def test_fusion_settings_are_checked_early():
    with pytest.raises(ConfigError, match="lexical"):
        Fusion(lexical=-1)
    with pytest.raises(ConfigError):
        Fusion(k=0)


def test_collapse_keeps_the_earliest_copy_and_lists_the_others():
    later = passage("cna", COPY, publisher="CNA", published=date(2024, 12, 5))
    first = passage("reuters", STORY, publisher="Reuters", published=date(2024, 12, 4))
    other = passage("tva", OTHER, publisher="TVA", published=date(2024, 11, 7))
    out = collapse([later, other, first])
    assert [p.chunk_id for p in out] == ["reuters", "tva"], "the kept copy takes the best rank of its group"
    assert out[0].copies == ("CNA, https://example.org/cna",)
    assert out[1].copies == ()


def test_collapse_on_a_date_tie_keeps_the_most_complete_text_and_undated_copies_lose():
    short = passage("short", STORY, publisher="A", published=date(2024, 12, 5))
    full = passage("full", STORY + " The chamber gave no cost.", publisher="B", published=date(2024, 12, 5))
    undated = passage("undated", STORY + " The chamber gave no cost, nor a date.", publisher="C")
    out = collapse([short, undated, full])
    assert len(out) == 1
    assert out[0].chunk_id == "full"
    assert out[0].copies == (copy_label(short), copy_label(undated))


def test_collapse_keeps_apart_related_stories_and_copies_that_change_a_figure():
    related = passage("dcd", "xAI plans to take Colossus in Memphis to one million GPUs, the chamber revealed.")
    updated = passage("upd", STORY.replace("100,000", "200,000"), publisher="U")
    out = collapse([passage("reuters", STORY), related, updated])
    assert [p.chunk_id for p in out] == ["reuters", "dcd", "upd"]


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(5)))
def test_collapse_is_deterministic_and_loses_no_publication(order):
    pool = [
        passage("a", STORY, publisher="A", published=date(2024, 12, 4)),
        passage("b", COPY, publisher="B", published=date(2024, 12, 5)),
        passage("c", STORY, publisher="C", published=date(2024, 12, 6)),
        passage("d", OTHER, publisher="D"),
        passage("e", OTHER + " It was a formality.", publisher="E", published=date(2024, 11, 7)),
    ]
    out = collapse([pool[i] for i in order])
    assert sorted(p.chunk_id for p in out) == ["a", "e"]
    kept = {p.chunk_id: p.copies for p in out}
    assert kept == {"a": (copy_label(pool[1]), copy_label(pool[2])), "e": (copy_label(pool[3]),)}
    assert collapse(out) == out


def test_retriever_search_collapses_copies_in_a_real_store(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_source(folder, "cna", COPY, publisher="CNA", published="2024-12-05")
    write_source(folder, "reuters", STORY, publisher="Reuters", published="2024-12-04")
    write_source(folder, "tva", OTHER, publisher="TVA", published="2024-11-07")
    store = VectorStore(make_client(Settings(data_dir=tmp_path / "data")), "dedup", HashEmbeddings())
    store.sync(load_corpus(folder))
    query = "How many GPUs does Colossus in Memphis run?"
    for hybrid in (False, True):
        hits = Retriever(store, hybrid=hybrid).search(query, k=3)
        assert [p.source_id for p in hits] == ["reuters", "tva"], f"hybrid={hybrid}"
        assert hits[0].copies == ("CNA, https://example.org/cna",)
        assert all(p.score != 0.0 for p in hits), "every passage carries its dense similarity"
    apart = Retriever(store, hybrid=True, dedup=False).search(query, k=3)
    assert {p.source_id for p in apart} == {"reuters", "cna", "tva"}


def test_an_edit_that_keeps_the_chunk_count_is_seen_by_a_running_retriever(tmp_path):
    """The lexical side must follow what was indexed, not the number of chunks indexed."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_source(folder, "nvidia", "xAI built the Colossus supercomputer in Memphis in 122 days.")
    write_source(folder, "tva", OTHER, publisher="TVA")
    write_source(folder, "reuters", STORY, publisher="Reuters")
    store = VectorStore(make_client(Settings(data_dir=tmp_path / "data")), "stale", HashEmbeddings())
    store.sync(load_corpus(folder))
    retriever = Retriever(store, hybrid=True)
    query = "Colossus supercomputer built in 122 days"
    _, before = retriever.candidates(query)
    assert any("122 days" in p.text for p, _ in before)

    count = store.count()
    write_source(folder, "nvidia", "xAI built the Colossus supercomputer in Memphis in 300 days.")
    store.sync(load_corpus(folder))
    assert store.count() == count, "the edit keeps the number of chunks"
    _, after = retriever.candidates(query)
    assert not any("122 days" in p.text for p, _ in after), "the running retriever still finds the deleted text"
    assert any("300 days" in p.text for p, _ in after)
    assert all("122 days" not in p.text for p in retriever.search(query, k=5))


def test_lexical_scores_are_bm25okapi_through_snapshot_delta_and_deletions(tmp_path):
    """The persistent lexical index ranks exactly as rank_bm25 over the live chunks did."""
    import random

    from rank_bm25 import BM25Okapi

    from factcheck.lexical import Entry, LexicalIndex

    rng = random.Random(3)
    words = ["colossus", "memphis", "gpu", "nvidia", "dell", "tva", "turbine", "permit", "grok", "xai", "dojo", "chip"]

    def doc() -> str:
        return " ".join(rng.choice(words[: rng.randint(3, len(words))]) for _ in range(rng.randint(3, 25)))

    docs = [doc() for _ in range(240)]
    meta = {"source_id": "s", "file_hash": "h", "language": "en"}
    index = LexicalIndex(tmp_path / "lexical.sqlite")
    index.add(Entry(f"c{i}", d, {**meta, "source_id": f"s{i}"}) for i, d in enumerate(docs[:200]))
    index.refresh()  # snapshot of the first 200
    index.add(Entry(f"c{i}", d, {**meta, "source_id": f"s{i}"}) for i, d in enumerate(docs[200:], 200))
    index.delete([f"c{i}" for i in range(0, 200, 9)])
    live = [i for i in range(240) if not (i < 200 and i % 9 == 0)]
    bm25 = BM25Okapi([tokenize(docs[i]) for i in live])
    fresh = LexicalIndex(tmp_path / "lexical.sqlite")  # another process: snapshot from disk plus the rest
    for query in ("colossus memphis", "tva tva permit", "dojo chip unknownword", "rack"):
        scores = bm25.get_scores(tokenize(query))
        best = sorted(range(len(live)), key=lambda i: (-scores[i], f"c{live[i]}"))[:30]
        expected = [(f"c{live[i]}", round(float(scores[i]), 9)) for i in best if scores[i] > 0]
        for reader in (index, fresh):
            assert [(p.chunk_id, round(s, 9)) for p, s in reader.search(query, 30)] == expected, query


def test_bm25_ties_do_not_depend_on_the_order_chunks_were_indexed(tmp_path):
    """A re-run after a crash writes chunks in another order; the same index must answer the same."""
    from factcheck.lexical import Entry, LexicalIndex

    meta = {"source_id": "s", "file_hash": "h", "language": "en"}
    entries = [Entry(f"c{i}", f"turbine permit number {i}", {**meta, "source_id": f"s{i}"}) for i in range(12)]
    answers = []
    for name, order in (("forward", entries), ("backward", entries[::-1])):
        index = LexicalIndex(tmp_path / f"{name}.sqlite")
        index.add(order)
        answers.append([(p.chunk_id, s) for p, s in index.search("turbine permit", 5)])
        index.close()
    assert len({s for _, s in answers[0]}) == 1, "every chunk scores the same: the test is about ties"
    assert answers[0] == answers[1]


def test_search_many_equals_one_search_per_query(tmp_path, tiny_corpus):
    write_source(tiny_corpus, "cna", COPY, publisher="CNA", published="2024-12-05")
    write_source(tiny_corpus, "reuters", STORY, publisher="Reuters", published="2024-12-04")
    store = VectorStore(make_client(Settings(data_dir=tmp_path / "data")), "batch", HashEmbeddings())
    store.sync(load_corpus(tiny_corpus))
    retriever = Retriever(store)
    queries = ["Colossus built in 122 days", "GPUs in Memphis", "Dell and Super Micro", "nothing matches zzz"]
    assert retriever.search_many(queries, k=3) == [retriever.search(q, k=3) for q in queries]
