from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data as an app, so that its management command (seed_demo) is found."""

    name = "demo"
    label = "demo"
    verbose_name = "Demo"
