"""PAR INDEX and other scorecards: self-assessment, appraisal, targets, official results and
the báo cáo (services in this package; pages under /staff/parindex, in :mod:`.views`)."""
