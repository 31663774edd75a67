"""History for every change to a record, bulk changes included; no clinical deletes.

django-simple-history keeps a version at each save(); a queryset update() skips save(), so
records with history use this queryset, which keeps a version of every row it changes.
"""

from django.db import models, transaction
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

BULK_CHANGE = "Changed in bulk"


class HistoryKeepingQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            changed = list(self.model._base_manager.using(self.db).filter(pk__in=pks))
            request = getattr(HistoricalRecords.context, "request", None)
            user = getattr(request, "user", None)
            versions = self.model.history.bulk_history_create(
                changed,
                update=True,
                default_user=user if user is not None and user.is_authenticated else None,
                default_change_reason=BULK_CHANGE,
            )
            # bulk_history_create sends no signal; the audit trail listens for one per version.
            for instance, version in zip(changed, versions, strict=True):
                post_create_historical_record.send(
                    sender=self.model, instance=instance, history_instance=version,
                    history_date=version.history_date, history_user=version.history_user,
                    history_change_reason=BULK_CHANGE, using=self.db,
                )  # fmt: skip
        return count


class ClinicalQuerySet(HistoryKeepingQuerySet):
    """Clinical records are never hard-deleted, not even by a queryset."""

    def delete(self):
        raise TypeError(
            f"{self.model._meta.verbose_name_plural} are never deleted: archive, cancel or "
            "correct them instead, so the history stays whole."
        )
