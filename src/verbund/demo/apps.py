from verbund.core.apps import VerbundAppConfig


class DemoConfig(VerbundAppConfig):
    """The demo data: ``verbund demo`` and the small fixed world of the screenshots. No models."""

    default = True
    name = "verbund.demo"
    label = "demo"
