from propylon.sdk.testing import imported_by


def test_the_amqp_client_is_imported_only_when_a_backend_or_agent_uses_it() -> None:
    assert not {"aiormq", "pamqp"} & imported_by("import propylon_amqp.module")
