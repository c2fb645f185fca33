"""Worker jobs of campaigns (autodiscovered): importing big lists and launching campaigns."""

from sil.campaigns.launch import launch_campaign_task
from sil.campaigns.tasks_import import import_list

__all__ = ["import_list", "launch_campaign_task"]
