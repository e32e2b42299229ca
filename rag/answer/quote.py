"""The offline answerer (the default): the most relevant verbatim sentences from the passages, each cited."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.answer.articles import InArticle, article_views
from rag.answer.base import Focus, Turn, refusal, rule_condense
from rag.answer.bearing import answer_spans, background, place_rank, topic_hits
from rag.answer.candidates import answer_candidates
from rag.answer.constraints import about, recognised, recognised_speakers, subject_names
from rag.answer.gaps import Gaps, find_gaps, missing_names, outlet_notice, period_notice
from rag.answer.kinds import kind_bonus
from rag.answer.leads import LEAD_MARGIN, NamedBonus, distinct, lead_with_speaker
from rag.answer.mentions import mentions
from rag.answer.nonprose import caption, furniture
from rag.answer.quotations import quotation_around
from rag.answer.support import Support, dense_top
from rag.answer.terms import PHRASE_BONUS, TermWeights, Vocabulary
from rag.archive.access import access_label
from rag.ingest.text import split_sentences
from rag.models import Answer, Citation, Passage
from rag.retrieval.asked import Asked, asked_for
from rag.retrieval.entities import Mention
from rag.retrieval.memo import Memo
from rag.retrieval.question import Question, understand
from rag.retrieval.wording import content_words, word_string

VECTOR_CACHE_SIZE = 50_000
MAX_PER_PART = 2
MAX_QUOTES = 6
MAX_SENTENCES = 6  # an answer reads in seconds: quotes are added while the answer stays within six sentences
SAME_ARTICLE_PENALTY = 0.05  # a part prefers evidence from another article than the one that answers the whole
PART_SIMILARITY = 0.6  # for a part: meaning counts 0.6, its distinctive words 0.4
NAME_BONUS = 0.06  # per name of the part that the sentence mentions
QUOTABLE_MARGIN = 0.05  # a passage is quotable when one of its sentences scores within this of the threshold
MEANING = 0.5  # in choosing among sentences that clear the threshold: meaning 0.5, the question's weighted terms 0.5
RANK_STEP = 0.01  # a sentence from a passage ranked lower by retrieval gives way a little
BEARING_MARGIN = 0.10  # a sentence holding the answer may score this far below the threshold, no further
BEARING_POOL = 40  # the most relevant sentences searched for one that holds the answer
TOPIC_WORDS = 2  # a quote question's words on its topic that a sentence below the floor must hold to be searched


@dataclass
class ScoredSentence:
    """A candidate sentence with its relevance to the question."""

    passage_rank: int
    text: str
    similarity: float
    overlap: float
    weighted: float = 0.0  # the share of the question's term weight (rare terms weigh more) the sentence holds
    phrases: int = 0  # two-word phrases of the question the sentence repeats
    position: int = 0  # where the sentence stands among its passage's sentences

    @property
    def score(self) -> float:
        """How well the sentence answers the question at all: meaning (embedding) and shared content words. The
        refusal threshold is set on this scale."""
        return 0.75 * self.similarity + 0.25 * self.overlap

    @property
    def relevance(self) -> float:
        """Which of the sentences that clear the threshold to quote first: meaning, the question's rare terms and
        phrases, and a little the rank of the passage retrieval found it in."""
        return relevance(self.similarity, self.weighted, self.phrases, self.passage_rank)


_STOP_THEN_CAPITAL = re.compile(r"[.!?][\"”’)]*\s+(?=[A-Z“\"])")


def sentence_count(text: str) -> int:
    """How many sentences a reader may count in a quote: the splitter's count, or every full stop before a capital
    ("the U.S. District Court" reads as two to some), whichever is more."""
    return max(1, len(split_sentences(text)), len(_STOP_THEN_CAPITAL.findall(text.strip())) + 1)


def within(chosen: list[ScoredSentence], limit: int) -> list[ScoredSentence]:
    """The chosen quotes, best first, while they hold at most `limit` sentences between them (the first always)."""
    kept: list[ScoredSentence] = []
    total = 0
    for sentence in chosen:
        total += sentence_count(sentence.text)
        if kept and total > limit:
            break
        kept.append(sentence)
    return kept


def span_in(text: str, sentence: str, span: Mention) -> tuple[int, int] | None:
    """Where a candidate stands in the answer text: inside its sentence, in the first quote (never in the outlet
    and date before it)."""
    first = text.split("\n\n", 1)[0]
    at = first.find(sentence)
    return (at + span.start, at + span.end) if at >= 0 else None


def near_miss_text(asked: Asked, closest: Passage) -> str:
    """The refusal for a question whose topic the archive covers but whose fact it does not: what is missing, and
    what the archive has instead (the closest article)."""
    has = f"“{closest.title}”" if closest.title else "articles on this"
    where = ", ".join(x for x in (closest.outlet, closest.published_at[:10]) if x)
    return (
        f"The archive has {has}{f' ({where})' if where else ''}, but none of the articles found gives "
        f"{asked.wanted}, so it does not answer this."
    )


def best_of(scored: Sequence[ScoredSentence]) -> float:
    """The score of the best sentence (0 when there is none)."""
    return scored[0].score if scored else 0.0


def relevance(similarity: float, weighted: float, phrases: int, passage_rank: int) -> float:
    """Meaning and weighted terms half each, a bonus per shared phrase, and a small step per passage rank."""
    return MEANING * similarity + (1 - MEANING) * weighted + PHRASE_BONUS * phrases - RANK_STEP * passage_rank


class QuoteAnswerer:
    """Answers with up to `max_sentences` verbatim sentences, refusing when the best is below `threshold`."""

    mode = "quote"

    def __init__(
        self,
        embeddings: Embeddings,
        threshold: float = 0.36,
        max_sentences: int = 3,
        outlets: Callable[[], Sequence[str]] = tuple,
        term_weights: TermWeights | None = None,
        newest: Callable[[], date | None] = lambda: None,
    ) -> None:
        self.embeddings = embeddings
        self.vocabulary = Vocabulary(term_weights)  # the archive's term statistics, when given
        self.threshold = threshold
        self.max_sentences = max_sentences
        self.outlets = outlets  # the archive's outlet names, so questions that name a source are read right
        self.newest = newest  # the archive's newest publication day, against which "last week" is read
        self._vectors: Memo[np.ndarray] = Memo(VECTOR_CACHE_SIZE)

    def sentence_vectors(self, sentences: list[str]) -> np.ndarray:
        """Vectors of sentences, remembered (least recently used first out) since passages recur across questions."""
        return np.stack(self._vectors.many(sentences, self._embed))

    def _embed(self, sentences: list[str]) -> np.ndarray:
        return np.asarray(self.embeddings.embed_documents(sentences), dtype=np.float32)

    def score(self, question: str, passages: list[Passage], vector: Sequence[float] = ()) -> list[ScoredSentence]:
        """Every sentence of the passages, scored against the question (best first); `vector` is its embedding
        when the turn has it already."""
        candidates: list[tuple[int, str, int]] = []
        seen: set[tuple[str, str]] = set()  # overlapping passages of one article repeat sentences: quote one copy
        for rank, passage in enumerate(passages):
            for position, sentence in enumerate(passage.sentence_texts()):
                if len(sentence) >= 20 and (passage.article_id, sentence) not in seen:
                    seen.add((passage.article_id, sentence))
                    candidates.append((rank, sentence, position))

        if not candidates:
            return []
        vectors = self.sentence_vectors([s for _, s, _ in candidates])
        query = np.asarray(vector or self.embeddings.embed_query(question), dtype=np.float32)
        sims = vectors @ query / np.clip(np.linalg.norm(vectors, axis=1) * np.linalg.norm(query), 1e-9, None)
        words = content_words(question)
        asked, *terms = self.vocabulary.terms([question, *(s for _, s, _ in candidates)])
        asked = asked.asked()
        weight = self.vocabulary.weights(asked.words, terms)
        scored = [
            ScoredSentence(
                rank,
                text,
                float(sim),
                len(words & content_words(text)) / max(1, len(words)),
                asked.weighted_share(found, weight),
                asked.phrases_in(found),
                position,
            )
            for (rank, text, position), sim, found in zip(candidates, sims, terms, strict=True)
        ]
        return sorted(scored, key=lambda s: (-s.score, s.passage_rank))

    def answer(self, question: str, passages: list[Passage], focus: Focus = None) -> Answer:
        """Quote the best-supported sentences, or refuse.

        Args:
            question: the stand-alone question (recorded in the answer).
            passages: the retrieved passages, best first.
            focus: the user's own words; sentences are scored against them when given (they differ from
                `question` when a follow-up was rewritten by rule).
        """
        if isinstance(focus, Question):  # read (and embedded) once for the turn
            answer = self._quote(focus.text, passages, focus)
        else:
            answer = self._quote(focus or question, passages, None)
        answer.question = question
        return answer

    def stream(self, question: str, passages: list[Passage], focus: Focus = None) -> Iterator[str | Answer]:
        """The whole answer at once (quoting is fast), then the `Answer`."""
        answer = self.answer(question, passages, focus)
        yield answer.text
        yield answer

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        """Follow-ups are rewritten by rule (no model)."""
        return rule_condense(question, history)

    def _quote(self, question: str, passages: list[Passage], reading: Question | None) -> Answer:
        """The answer's steps, in order: read, score, gate, find the sentence that bears the answer, choose, lead,
        compose; then the answer span and the notices are set on the composed answer."""
        understood = self._read(question, reading)
        scored = self.score(question, passages, understood.vector)
        gaps, support = self.gaps(understood, scored, passages), self.support(understood, best_of(scored), passages)
        if gaps.refuse or not scored or best_of(scored) < self.threshold or not support.enough:  # nothing to quote
            return self._refuse(question, passages, best_of(scored), support, gaps)
        asked = understood.asked or Asked()
        views = article_views(passages)  # a sentence's context runs on into the next passage of its article
        bearer = self.bearer(asked, understood, scored, passages, views)
        if bearer is None and (asked.typed or asked.speaker):  # the topic is covered, the fact asked for is not
            answer = self._refuse(question, passages, best_of(scored), support)
            answer.text = near_miss_text(asked, passages[scored[0].passage_rank])
            return answer
        chosen = self._lead(asked, understood, bearer, self._choose(understood, scored, passages), passages, views)
        answer = self._compose(understood, within(chosen, MAX_SENTENCES), passages)
        if bearer is not None and bearer[1].label not in ("QUOTE", "SPEECH"):
            answer.span, answer.span_at = bearer[1].text, span_in(answer.text, bearer[0].text, bearer[1])
        answer.confidence, answer.support = best_of(scored), support.probability
        cited = [c.passage for c in answer.citations]
        notices = (
            gaps.partial_notice(),
            outlet_notice(understood.outlets, cited),
            period_notice(understood.periods, cited),
        )
        answer.notice = " ".join(n for n in notices if n)
        return answer

    def _read(self, question: str, reading: Question | None) -> Question:
        """The question as read for the turn (read here when the caller has not), with the names and speakers the
        passages can be searched for, and what it asks for."""
        understood = reading or understand(question, self.outlets(), self.newest)
        asked = understood.asked or asked_for(understood.text)  # read once per turn; parsed here when not
        if asked.speaker and any(mentions(o, word_string(asked.speaker)) for o in understood.outlets):
            asked = replace(asked, speaker="")  # "What did TechCrunch write": what the outlet reported
        return replace(
            understood,
            entities=recognised(understood.entities, understood.text),
            speakers=recognised_speakers(understood.speakers, understood.text),
            asked=asked,
        )

    def _refuse(
        self, question: str, passages: list[Passage], best: float, support: Support, gaps: Gaps | None = None
    ) -> Answer:
        """A refusal that says what is missing: the names or sources the passages lack, when they lack any."""
        answer = refusal(question, passages, self.mode)
        if gaps is not None and (gaps.refuse or gaps.missing_names):
            answer.text = gaps.refusal_text()
        answer.confidence, answer.support = best, support.probability
        return answer

    def _lead(
        self,
        asked: Asked,
        understood: Question,
        bearer: tuple[ScoredSentence, Mention] | None,
        chosen: list[ScoredSentence],
        passages: Sequence[Passage],
        views: dict[tuple[int, int], InArticle],
    ) -> list[ScoredSentence]:
        """The chosen sentences led by the one that bears the answer (a speaker's whole quotation for "what did X
        say"), then at most two others, or one line per part of a question of several parts."""
        if bearer is None:
            return chosen
        lead = self._whole(asked, bearer[0], passages, views)
        rest = [c for c in chosen if c is not bearer[0] and c.text not in lead.text]
        return [lead, *(rest if len(understood.parts) > 1 else rest[: self.max_sentences - 1])]

    def bearer(
        self,
        asked: Asked,
        understood: Question,
        scored: Sequence[ScoredSentence],
        passages: Sequence[Passage],
        views: dict[tuple[int, int], InArticle],
    ) -> tuple[ScoredSentence, Mention] | None:
        """The most relevant sentence that holds what the question asks for next to its constraints
        (`rag/answer/bearing.py`, `rag/answer/constraints.py`), with the candidate in it; for "where", a place
        something happened in first, and for "what did X say", a quotation first. None when none of the sentences
        close enough to the question holds one. `views` places each sentence in its article (`article_views`)."""
        if not asked.typed and asked.kind != "quote":
            return None
        floor = self.threshold - BEARING_MARGIN
        # a speaker's words on what the question asks about count however they are worded ("I swear he doesn't even
        # sleep" for how hard Eddie Jones works): enough of the question's words on it stand in the sentence
        on_topic = min(TOPIC_WORDS, len(asked.topic))
        pool = sorted(
            (
                s
                for s in scored
                if (s.score >= floor or on_topic and topic_hits(asked, s.text) >= on_topic) and not furniture(s.text)
            ),
            key=lambda s: -s.relevance,
        )
        names = subject_names(understood.entities, understood.outlets, asked.credited)
        pool = [s for s in pool if self._about(names, asked.people, s, passages, views)][:BEARING_POOL]
        contexts = [(views[s.passage_rank, s.position].sentences, views[s.passage_rank, s.position].at) for s in pool]
        spans = answer_spans(asked, understood.text, [s.text for s in pool], self.similarity, contexts)
        found = [(s, span) for s, span in zip(pool, spans, strict=True) if span is not None]
        if asked.kind == "place":  # a town something happened in before a place named in passing, each by relevance
            found.sort(key=lambda x: place_rank(x[0].text, x[1]))
        elif asked.kind == "date":  # the news's own day before a date given as background
            found.sort(key=lambda x: background(x[0].text, x[1]))
        elif asked.kind == "quote":  # words on what the question asks about first, quoted before reported
            found.sort(key=lambda x: (-topic_hits(asked, x[0].text), x[1].label != "QUOTE"))
        return found[0] if found else None

    @staticmethod
    def _whole(
        asked: Asked,
        sentence: ScoredSentence,
        passages: Sequence[Passage],
        views: dict[tuple[int, int], InArticle],
    ) -> ScoredSentence:
        """The lead for what a question asks: for a speaker's words, their quotation with up to two of its other
        sentences around the one found ("“He's up at 4am working hard. We catch him in the gym ..."")."""
        if asked.kind != "quote":
            return sentence
        view = views[sentence.passage_rank, sentence.position]
        first, last = quotation_around(view.sentences, view.at)
        own = set(passages[sentence.passage_rank].sentence_texts())  # a citation quotes its own passage only
        return replace(sentence, text=" ".join(t for t in view.sentences[first : last + 1] if t in own))

    @staticmethod
    def _about(
        names: Sequence[str],
        people: Sequence[str],
        sentence: ScoredSentence,
        passages: Sequence[Passage],
        views: dict[tuple[int, int], InArticle],
    ) -> bool:
        view = views[sentence.passage_rank, sentence.position]
        return about(names, sentence.text, view.sentences, passages[sentence.passage_rank].title, people)

    def similarity(self, phrase: str, texts: Sequence[str]) -> list[float]:
        """How close in meaning each text is to a phrase (cosine of their embeddings)."""
        vectors = self.sentence_vectors([phrase, *texts])
        unit = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9, None)
        return [float(x) for x in unit[1:] @ unit[0]]

    def gaps(self, question: Question, scored: Sequence[ScoredSentence], passages: Sequence[Passage]) -> Gaps:
        """The question's names and sources that the passages relevant enough to quote from lack: a passage that
        mentions "Reuters" in passing while nothing in it answers the question does not count."""
        quotable = {s.passage_rank for s in scored if s.score >= self.threshold - QUOTABLE_MARGIN}
        return find_gaps(question, [p for rank, p in enumerate(passages) if rank in quotable])

    def support(self, question: Question, best: float, passages: Sequence[Passage]) -> Support:
        """The evidence that the passages can answer the question at all (rag/answer/support.py)."""
        return Support(
            best_sentence=best,
            dense_top=dense_top(passages),
            missing_names=len(missing_names(question, passages)),
            unknown_source=bool(question.unknown_sources),
        )

    def _choose(
        self, question: Question, scored: list[ScoredSentence], passages: list[Passage]
    ) -> list[ScoredSentence]:
        """The best sentence for the whole question, then for each part of it the sentences that answer that part
        best: every part's best before any part's second, at most two per part and six in all. An article's own
        questions ("Who has won the most World Cups?") and photo captions are not quoted, unless nothing else is
        close enough."""
        named = NamedBonus(passages)
        wanted = question.asked or Asked()
        bonus = [kind_bonus(wanted, s.text) + named(question, s.passage_rank) for s in scored]
        with_bonus = {id(s): s.score + b for s, b in zip(scored, bonus, strict=True)}
        ranking = {id(s): s.relevance + b for s, b in zip(scored, bonus, strict=True)}
        # eligible: close enough to the question on the threshold's scale; then ordered by relevance
        page = {id(s) for s in scored if furniture(s.text)}  # read once: every part below asks again
        eligible = [s for s in scored if with_bonus[id(s)] >= self.threshold]
        ranked = distinct(sorted([s for s in eligible if id(s) not in page] or eligible, key=lambda s: -ranking[id(s)]))
        chosen = [s for s in ranked if ranking[id(s)] >= ranking[id(ranked[0])] - 0.08][
            : self.max_sentences if len(question.parts) < 2 else 1
        ]
        by_score = sorted(scored, key=lambda s: -with_bonus[id(s)])
        chosen = self._lead_with_name(question, by_score, with_bonus, passages, chosen)
        chosen = lead_with_speaker(question, ranked, ranking, chosen)
        if len(question.parts) < 2:
            return distinct(chosen)[:MAX_QUOTES]
        vectors = self.sentence_vectors([s.text for s in scored])
        part_vectors = np.asarray(self.embeddings.embed_documents([p.text for p in question.parts]), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1)
        sentence_terms = self.vocabulary.terms([s.text for s in scored])
        part_terms = [t.asked() for t in self.vocabulary.terms([p.text for p in question.parts])]
        weight = self.vocabulary.weights(frozenset().union(*(t.words for t in part_terms)), sentence_terms)
        hays = [word_string(s.text) for s in scored]
        values_by_part: list[list[tuple[float, int]]] = []
        lead_articles = {passages[c.passage_rank].article_id for c in chosen}
        for part, vector, asked in zip(question.parts, part_vectors, part_terms, strict=True):
            sims = vectors @ vector / np.clip(norms * np.linalg.norm(vector), 1e-9, None)
            values: list[tuple[float, int]] = []
            for i, sentence in enumerate(scored):
                if id(sentence) in page:
                    continue  # an article's own question or a photo caption answers nothing
                passage = passages[sentence.passage_rank]
                extra = bonus[i] + NAME_BONUS * sum(1 for name in part.entities if mentions(name, hays[i]))
                extra += named(part, sentence.passage_rank) - named(question, sentence.passage_rank)
                if passage.article_id in lead_articles:
                    extra -= SAME_ARTICLE_PENALTY
                found = sentence_terms[i]
                share = asked.weighted_share(found, weight)
                if PART_SIMILARITY * float(sims[i]) + (1 - PART_SIMILARITY) * share + extra < self.threshold:
                    continue  # not close enough to the part to quote
                value = relevance(float(sims[i]), share, asked.phrases_in(found), sentence.passage_rank)
                values.append((value + extra, i))
            # a part that names an outlet ("and what did Fortune say about …") is answered from that outlet's
            # sentences when any is close enough, however close another outlet's are
            own = [v for v in values if passages[scored[v[1]].passage_rank].outlet in part.outlets]
            values_by_part.append(sorted(own or values, key=lambda v: -v[0]))
        # every part's best sentence before any part's second (a fact often spans two sentences, so a part keeps
        # a second one when there is room); a sentence two articles repeat word for word is quoted once
        texts = {word_string(c.text) for c in chosen}  # compared by their words, without quotation marks
        for _ in range(MAX_PER_PART):
            if len(chosen) >= MAX_QUOTES:
                break
            for values in values_by_part:
                i = next((i for _, i in values if hays[i] not in texts), -1)
                if i >= 0 and len(chosen) < MAX_QUOTES:
                    chosen.append(scored[i])
                    texts.add(hays[i])
        return distinct(chosen)[:MAX_QUOTES]

    def _lead_with_name(
        self,
        question: Question,
        ranked: list[ScoredSentence],
        with_bonus: dict[int, float],
        passages: list[Passage],
        chosen: list[ScoredSentence],
    ) -> list[ScoredSentence]:
        """For a "who" or "which company" question: lead with the best sentence holding the name that the
        evidence agrees on, unless a chosen sentence already holds it."""
        candidates = answer_candidates(
            question,
            [(passages[s.passage_rank].article_id, s.text, with_bonus[id(s)]) for s in ranked if not caption(s.text)],
            self.outlets(),
            {p.article_id: p.title for p in passages},
        )
        if not candidates:
            return chosen
        name = word_string(candidates[0].name)
        if any(name in word_string(s.text) for s in chosen):
            return chosen
        holders = [s for s in ranked if name in word_string(s.text)]
        # a statement holding the name before an article's own question ("Who is Sam Bankman-Fried?") or a caption
        holder = next((s for s in holders if not furniture(s.text)), holders[0] if holders else None)
        if holder is None or with_bonus[id(holder)] < self.threshold - LEAD_MARGIN:
            return chosen
        return [holder, *chosen]

    def _compose(self, question: Question, chosen: list[ScoredSentence], passages: list[Passage]) -> Answer:
        """The answer text: each quote with its outlet and date and its citation."""
        numbers: dict[int, int] = {}
        citations: list[Citation] = []
        parts = []
        for sentence in chosen:
            # overlapping passages of one article repeat sentences: cite a passage already cited when it holds this one
            rank = next(
                (
                    r
                    for r in numbers
                    if passages[r].article_id == passages[sentence.passage_rank].article_id
                    and sentence.text in passages[r].sentence_texts()
                ),
                sentence.passage_rank,
            )
            sentence = replace(sentence, passage_rank=rank)
            if sentence.passage_rank not in numbers:
                numbers[sentence.passage_rank] = len(numbers) + 1
                citations.append(Citation(n=numbers[sentence.passage_rank], passage=passages[sentence.passage_rank]))
            citation = citations[numbers[sentence.passage_rank] - 1]
            citation.quote = f"{citation.quote} {sentence.text}".strip()
            passage = passages[sentence.passage_rank]
            where = ", ".join(
                x for x in (passage.outlet, passage.published_at[:10], access_label(passage).upper()) if x
            )
            parts.append(
                f"{where}: {sentence.text} [{numbers[sentence.passage_rank]}]"
                if where
                else f"{sentence.text} [{numbers[sentence.passage_rank]}]"
            )
        return Answer(
            text="\n\n".join(parts),
            refused=False,
            citations=citations,
            passages=passages,
            mode=self.mode,
            question=question.text,
        )
