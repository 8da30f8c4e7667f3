"""`ClonedFieldsMixin`: each input serializer works on its own shallow copies of the fields."""

from cases.api.serializers import CaseCreateInputSerializer

BODY = {
    "service": "QUEJA_CANALES_DIGITALES",
    "contact": {"given_names": "Ana", "first_surname": "Pérez", "nss": "92919084431"},
    "description": "La página falla al descargar mi constancia.",
}


def test_each_serializer_binds_its_own_copies_and_leaves_the_declared_fields_alone():
    # given two serializers of the same body
    first, second = CaseCreateInputSerializer(data=BODY), CaseCreateInputSerializer(data=BODY)
    # when both validate
    assert first.is_valid() and second.is_valid()
    # then each bound its own copies, nested ones included, and the declarations stay unbound
    declared = CaseCreateInputSerializer._declared_fields
    for name in ("service", "contact"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
        assert declared[name].field_name is None
    first_nss, second_nss = (
        first.fields["contact"].fields["nss"],
        second.fields["contact"].fields["nss"],
    )
    assert first_nss is not second_nss and first_nss.parent is first.fields["contact"]
    assert first.validated_data == second.validated_data
    assert first.validated_data["contact"]["nss"] == "92919084431"
