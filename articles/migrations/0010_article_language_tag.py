"""An article's language must look like a language tag (ja, en, zh-Hant): the importer already
checked it; now restored archives (import_archive) are checked too. A validator only: no
SQL, and rows stored before are left as they are."""

import django.core.validators
import re
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_search_fields_apart'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='language',
            field=models.CharField(db_index=True, default='ja', max_length=16, validators=[django.core.validators.RegexValidator(re.compile('\\A[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\\Z'), 'Enter a language tag such as ja, en or zh-Hant.')], verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='language',
            field=models.CharField(db_index=True, default='ja', max_length=16, validators=[django.core.validators.RegexValidator(re.compile('\\A[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\\Z'), 'Enter a language tag such as ja, en or zh-Hant.')], verbose_name='language'),
        ),
    ]
