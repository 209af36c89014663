from django.db import migrations

from audit.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("validation", "0001_initial")]

    operations = [append_only("validation_validationrun")]
