"""tmon_client: report every request your Python service serves to tmon, the realtime traffic monitor.

    from tmon_client import TmonClient

    tmon = TmonClient("https://tmon.example.com", wsid=1, secret="…")
    tmon.track(url="/checkout", ip="81.2.69.142", useragent="Mozilla/5.0 …", username="ann")

Middleware: ``tmon_client.wsgi.TmonMiddleware`` (Flask, Django) and
``tmon_client.asgi.TmonMiddleware`` (FastAPI, Starlette, Django ASGI).
"""

from typing import Any, Dict

from .client import TmonClient, TmonStats
from .errors import Answer, InvalidSettings, TmonError, TMonClientError

__version__ = "0.1.0"
__all__ = ["TmonClient", "TMonClient", "TmonStats", "TmonError", "TMonClientError", "InvalidSettings", "Answer"]


class TMonClient(TmonClient):
    """The original T-Mon client's call shape, so its users change only the import.

    ``TMonClient({"url": "http://tracker.example.com/", "wsid": 1, "secret": "…"})``,
    then ``client.track(url=…, useragent=…, ip=…)``. It speaks v2; add
    ``"protocol": "gen2"`` to the settings for a server that speaks only the
    original protocols. Keyword options of TmonClient may follow the settings.
    """

    def __init__(self, settings_dict: Dict[str, Any], **options: Any):
        if not isinstance(settings_dict, dict):
            raise InvalidSettings(f"TMonClient: settings must be a dict, not {type(settings_dict).__name__}")
        missing = [key for key in ("url", "wsid", "secret") if not settings_dict.get(key)]
        if missing:
            raise InvalidSettings(f"TMonClient: settings lack {', '.join(missing)}")
        try:
            wsid = int(settings_dict["wsid"])
        except (TypeError, ValueError):
            raise InvalidSettings(f"TMonClient: wsid must be a number, not {settings_dict['wsid']!r}") from None
        protocol = settings_dict.get("protocol", "v2")
        super().__init__(settings_dict["url"], wsid, str(settings_dict["secret"]), protocol, **options)
