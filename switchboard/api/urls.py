from ninja import NinjaAPI

from switchboard.api import errors
from switchboard.api.auth import AUTH
from switchboard.api.catalog import router as catalog_router
from switchboard.api.contacts import router as contacts_router
from switchboard.api.floor import router as floor_router
from switchboard.api.kb import router as kb_router
from switchboard.api.monitoring import router as monitoring_router
from switchboard.api.orders import router as orders_router
from switchboard.api.recordings import router as recordings_router
from switchboard.api.scripts import router as scripts_router
from switchboard.api.telephony import router as telephony_router
from switchboard.api.tickets import router as tickets_router

api = NinjaAPI(
    title="Switchboard API",
    version="1",
    urls_namespace="api",
    auth=AUTH,
    description="Contacts, queues, agents, call records, the catalog, orders, tickets, the "
    "knowledge base, call scripts and telephony (extensions, trunks, prompts) of the call center. Authenticate with a bearer token "
    "(`manage.py issue_token USERNAME NAME`) or a signed-in browser session.",
)
errors.install(api)
api.add_router("/contacts", contacts_router)
api.add_router("/catalog", catalog_router)
api.add_router("/orders", orders_router)
api.add_router("/", floor_router)
api.add_router("/", tickets_router)
api.add_router("/", recordings_router)
api.add_router("/kb", kb_router)
api.add_router("/scripts", scripts_router)
api.add_router("/telephony", telephony_router)
api.add_router("/", monitoring_router)
