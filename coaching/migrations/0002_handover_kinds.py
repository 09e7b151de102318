"""The two handover kinds the issue names, each with its default checklist (editable in the admin)."""

from django.db import migrations

KINDS = {
    "rechtskreiswechsel-asylblg-sgb2": (
        "Rechtskreiswechsel AsylbLG → SGB II",
        "Nach der Anerkennung wechselt die Zuständigkeit vom Sozialamt zum Jobcenter.",
        [
            ("Bescheid über die Anerkennung / den Aufenthaltstitel liegt vor", True),
            ("Antrag auf Bürgergeld beim Jobcenter gestellt", True),
            ("Einwilligung der Person zur Weitergabe der Falldaten liegt vor", True),
            ("Integrationsplan und offene Schritte übergeben", True),
            ("Laufende Sprachkurse und Maßnahmen mitgeteilt", False),
            ("Gemeinsamer Termin mit der Person vereinbart", False),
        ],
    ),
    "umzug-andere-kommune": (
        "Umzug in eine andere Kommune",
        "Die Person zieht um; die Begleitung geht an eine Stelle am neuen Wohnort.",
        [
            ("Neue Adresse und Umzugsdatum bekannt", True),
            ("Zuständige Ausländerbehörde informiert", True),
            ("Einwilligung der Person zur Weitergabe der Falldaten liegt vor", True),
            ("Laufende Beschäftigung und Betrieb mitgeteilt", False),
            ("Gemeinsamer Termin (auch per Video) vereinbart", False),
        ],
    ),
}


def create(apps, schema_editor):
    Kind = apps.get_model("coaching", "HandoverKind")
    Item = apps.get_model("coaching", "HandoverChecklistTemplate")
    for slug, (name, description, items) in KINDS.items():
        kind, created = Kind.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
        if created:
            for order, (label, required) in enumerate(items):
                Item.objects.create(kind=kind, label=label, required=required, order=order)


def remove(apps, schema_editor):
    apps.get_model("coaching", "HandoverKind").objects.filter(slug__in=KINDS).delete()


class Migration(migrations.Migration):
    dependencies = [("coaching", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
