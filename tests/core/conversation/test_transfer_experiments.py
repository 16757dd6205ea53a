"""A conversation's lab experiments (real runs on the bundled model) travel with its export and come back whole."""

import json

import pytest

from desktop.core.conversation.transfer import TransferError, export_json, export_markdown, import_file, import_json
from desktop.core.lab.compare import Setup
from desktop.core.lab.context import latest_turn
from desktop.core.lab.jobs import compare_job, sample_job, score_job
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store.experiments import list_experiments, load_experiment, save_experiment
from tests.core.conversation.test_edits import chat, store  # noqa: F401 (store is a fixture)

SHORT = SamplerSettings(temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, seed=4, max_tokens=4)


def with_experiments(store, engine) -> int:
    conversation_id, messages = chat(store, turns=2)
    system, history, message_id = latest_turn(store, conversation_id)
    runs = [("score", score_job(system, history, ["Paris.", "Lyon."], SHORT, top=3)),
            ("sample", sample_job(system, history, SHORT, 3, top=3)),
            ("compare", compare_job(system, history, SHORT, [Setup({"temperature": 0.0}),
                                                             Setup(examples=(("2+2?", "4"),))], top=3))]
    for kind, job in runs:
        data = job(engine, None, lambda _progress: None)
        save_experiment(store, kind, f"{kind} run", data, conversation_id, message_id)
    save_experiment(store, "score", "about a deleted message", data_of(store, "score"), conversation_id, None)
    return conversation_id


def data_of(store, kind):
    return next(load_experiment(store, e.id).data for e in list_experiments(store) if e.kind == kind)


def test_experiments_round_trip_with_their_messages(store, smollm2):
    conversation_id = with_experiments(store, smollm2)
    original = export_json(store, conversation_id, "all")
    assert [e["kind"] for e in original["experiments"]] == ["score", "sample", "compare", "score"]
    asked = next(m for m in original["messages"] if m["content"] == "question 1 about llamas")
    assert [e["message_id"] for e in original["experiments"]] == [asked["id"]] * 3 + [None]
    imported = import_json(store, json.loads(json.dumps(original)))
    assert export_json(store, imported, "all") == original
    kept = list_experiments(store, imported, oldest_first=True)
    assert [store.get_message(e.message_id).content for e in kept[:3]] == ["question 1 about llamas"] * 3
    assert all(store.get_message(e.message_id).conversation_id == imported for e in kept[:3])
    reopened = load_experiment(store, kept[2].id)  # checked whole, as the Lab window reads it
    assert reopened.data == original["experiments"][2]["data"] and reopened.created_at == kept[2].created_at
    markdown = export_markdown(store, imported)
    assert "## Experiments" in markdown and "### compare run" in markdown and "| Setup | Reply |" in markdown


def test_an_export_from_before_the_lab_still_imports(store, smollm2):
    data = export_json(store, with_experiments(store, smollm2))
    del data["experiments"]
    imported = import_json(store, data)
    assert list_experiments(store, imported) == [] and len(store.thread(imported)) == 4


@pytest.mark.parametrize("damage, said", [
    (lambda e: e[1]["data"]["samples"][0].pop("seed"), "experiments[1].data: samples[0].seed: missing"),
    (lambda e: e[2]["data"]["columns"][0].update(tokens="many"), "experiments[2].data: columns[0].tokens"),
    (lambda e: e[0].update(message_id=99), "experiments[0].message_id names message 99"),
    (lambda e: e[0].update(kind="guess"), "experiments[0].kind"),
])
def test_a_damaged_experiment_refuses_the_whole_import(store, smollm2, tmp_path, damage, said):
    data = export_json(store, with_experiments(store, smollm2))
    damage(data["experiments"])
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(data))
    before = len(store.list_conversations())
    with pytest.raises(TransferError, match=said.replace("[", r"\[").replace("]", r"\]")):
        import_file(store, path)
    assert len(store.list_conversations()) == before


def test_an_experiment_damaged_in_the_database_is_marked_in_the_export(store, smollm2):
    conversation_id = with_experiments(store, smollm2)
    store.db.execute("UPDATE experiments SET data = '{\"engine\": 1}' WHERE title = 'sample run'")
    data = export_json(store, conversation_id)
    marked = next(e for e in data["experiments"] if e["title"] == "sample run")
    assert marked["damaged"] is True and "data" not in marked
    assert [e.title for e in list_experiments(store, import_json(store, data))] == [
        "about a deleted message", "compare run", "score run"]
    assert "### sample run\n\n*(damaged)*" in export_markdown(store, conversation_id)
