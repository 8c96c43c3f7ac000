from ninja import NinjaAPI

api = NinjaAPI(title="Switchboard API", version="1", urls_namespace="api")
