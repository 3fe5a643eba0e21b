"""Quiz about the goods: the shop's questions, the choices shuffled for every play.

Settings (the condition file's [game] table):
    [[game.questions]]
    question = "How much does one DVD-RAM disc hold?"
    choices  = ["4.7 GB", "700 MB", "25 GB"]
    answer   = 0            # the index of the right choice, as written
    count    = 3            # optional, beside the questions: ask this many, picked at random
"""

from collections.abc import Mapping

from app.lottery.messages import Problem as _l  # an English sentence, translated where shown
from games.base import MAX_SCORE, BadSettings, Game, moves_of, whole

# Nobody reads a question and its choices and answers in under a second: a faster answer
# was not read, so it scores nothing, right or not.
MIN_READ = 1.0
MAX_QUESTIONS = 20
MAX_CHOICES = 6
MAX_TEXT = 200


class Quiz(Game):
    name = "quiz"
    title = _l("Quiz about the goods")
    rules = _l("Answer each question about the goods. Every right answer counts.")

    def problems(self, settings):
        problems = []
        questions = settings.get("questions") if isinstance(settings, Mapping) else None
        if not isinstance(questions, list) or not 1 <= len(questions) <= MAX_QUESTIONS:
            return [_l("game.questions: between 1 and %(most)s questions", most=MAX_QUESTIONS)]
        for n, q in enumerate(questions, 1):
            if not _question_ok(q):
                problems.append(
                    _l(
                        "game.questions %(n)s: a question, %(fewest)s to %(most)s choices"
                        " and the index of the right one",
                        n=n,
                        fewest=2,
                        most=MAX_CHOICES,
                    )
                )
        count = settings.get("count", len(questions))
        if whole(count, 1, len(questions)) is None or isinstance(count, str):
            problems.append(_l("game.count: a whole number between 1 and the number of questions"))
        return problems

    def new_challenge(self, rng, settings):
        problems = self.problems(settings)
        if problems:
            raise BadSettings(problems)
        questions = list(settings["questions"])
        count = settings.get("count", len(questions))
        asked = []
        for q in rng.sample(questions, count):
            # order[j] is the written index of the j-th choice shown; only the server knows it.
            order = rng.sample(range(len(q["choices"])), len(q["choices"]))
            asked.append(
                {
                    "question": q["question"],
                    "choices": [q["choices"][i] for i in order],
                    "answer": order.index(q["answer"]),
                }
            )
        return {"questions": asked}

    def public_view(self, challenge, moves=(), clock=0.0):
        questions = challenge["questions"]
        index = len(moves_of(moves, "answer"))
        if index >= len(questions):
            return {"step": "done", "total": len(questions)}
        q = questions[index]
        return {
            "step": "question",
            "index": index,
            "number": index + 1,
            "total": len(questions),
            "question": q["question"],
            "choices": list(enumerate(q["choices"])),
        }

    def accept(self, challenge, moves, form, clock):
        questions = challenge["questions"]
        index = len(moves_of(moves, "answer"))
        if index >= len(questions) or not isinstance(form, Mapping):
            return None
        # The question number guards against a double submit answering the next question.
        if whole(form.get("q"), 0, MAX_QUESTIONS) != index or "choice" not in form:
            return None
        # A choice that was not offered is kept as a wrong answer: the question is used up.
        choice = whole(form.get("choice"), 0, len(questions[index]["choices"]) - 1)
        return {"kind": "answer", "q": index, "choice": choice}

    def finished(self, challenge, moves):
        return len(moves_of(moves, "answer")) >= len(challenge["questions"])

    def score(self, challenge, moves, clock):
        questions = challenge["questions"]
        answers = moves_of(moves, "answer")[: len(questions)]
        right = 0
        shown = 0.0  # each question is shown when the previous answer is received
        for index, move in enumerate(answers):
            q = questions[index]
            read = move["at"] - shown
            shown = max(shown, move["at"])
            choice = move.get("choice")
            if (
                read >= MIN_READ
                and move.get("q") == index
                and isinstance(choice, int)
                and not isinstance(choice, bool)
                and 0 <= choice < len(q["choices"])
                and choice == q["answer"]
            ):
                right += 1
        return MAX_SCORE * right // len(questions)


def _question_ok(q) -> bool:
    if not isinstance(q, Mapping):
        return False
    question, choices, answer = q.get("question"), q.get("choices"), q.get("answer")
    return (
        isinstance(question, str)
        and 0 < len(question.strip()) <= MAX_TEXT
        and isinstance(choices, list)
        and 2 <= len(choices) <= MAX_CHOICES
        and all(isinstance(c, str) and 0 < len(c.strip()) <= MAX_TEXT for c in choices)
        and len(set(choices)) == len(choices)
        and isinstance(answer, int)
        and not isinstance(answer, bool)
        and 0 <= answer < len(choices)
    )


GAME = Quiz()
