"""EMOVO: `<actor>/<emotion>-<actor>-<sentence>.wav`, e.g. `f2/gio-f2-b2.wav`."""

from pathlib import Path

from exhubert.data.corpus import CorpusScript, Example

from ._helpers import GENDER_CODES


class Emovo(CorpusScript):
    """
    EMOVO Italian emotional speech: 6 actors (f1-f3, m1-m3) x 7 emotions x 14 sentences = 588 utterances.

    The raw label is the Italian three-letter code (neu, dis disgusto, gio gioia, pau paura, rab rabbia, sor sorpresa,
    tri tristezza); the sentence code (b1-b3, l1-l4, n1-n5, d1-d2) is the text id. Actor and emotion codes are
    matched case-insensitively (copies differ) and written in lower case.
    """

    corpus_id = "emovo"
    name = "EMOVO"
    languages = ("it",)
    label_set = ("neu", "dis", "gio", "pau", "rab", "sor", "tri")
    expected_files = 588
    speaker_ids = ("f1", "f2", "f3", "m1", "m2", "m3")
    expected_speakers = len(speaker_ids)
    file_pattern = r"([A-Za-z]{3})-([FfMm]\d)-([A-Za-z]\d)\.wav"
    license = "CC BY-NC-SA 4.0"
    citation = (
        "Costantini, G., Iaderola, I., Paoloni, A., & Todisco, M. (2014). EMOVO Corpus: an Italian Emotional Speech "
        "Database. Proc. LREC 2014, 3501-3504."
    )
    homepage = "http://voice.fub.it/activities/corpora/emovo/index.html"

    def parse(self, path: Path, root: Path) -> Example:
        """Parses `<emotion>-<actor>-<sentence>.wav`."""
        emotion, actor, sentence = self.match_name(path).groups()
        actor = actor.lower()
        return Example(
            path=str(path),
            raw_label=emotion.lower(),
            speaker=actor,
            gender=GENDER_CODES[actor[0]],
            text=sentence.lower(),
        )


SCRIPT = Emovo()
