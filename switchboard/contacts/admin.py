from switchboard.contacts import admin_import  # noqa: F401  (registers the import models)
