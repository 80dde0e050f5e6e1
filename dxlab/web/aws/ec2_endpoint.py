"""EC2 on the same port: one form-encoded POST in, EC2's XML out. The request is decoded
by the one parser (`ec2_query`), run on the service bus (its handler table holds EC2's
operations apart from Direct Connect's) in the store's transactions with
Direct Connect's timers, cut into pages where the operation pages (`ec2_pages`), and
answered by the one serializer (`ec2_xml`). An operation of
the model that dxlab does not serve answers `UnsupportedOperation`, never a 500."""

from __future__ import annotations

import logging

from dxlab.domain.ec2_errors import Ec2Error
from dxlab.domain.errors import DxlabError
from dxlab.service.ec2.common import dry_run
from dxlab.web import calllog, errors
from dxlab.web.aws import ec2_xml
from dxlab.web.aws.ec2_pages import cut, page_of
from dxlab.web.aws.ec2_query import action_of, form, parse_request
from dxlab.web.host import WebHost
from dxlab.web.responses import Request

log = logging.getLogger("dxlab.web.aws")


async def call(host: WebHost, request: Request) -> tuple[int, bytes]:
    """(HTTP status, XML body) of one EC2 request, logged as an API call (calllog.py)."""
    request_id = request.request_id
    logged = calllog.start()
    try:
        params = form(request.body)
        logged.operation = params.get("Action") or "-"
        action = action_of(params)
        caller = host.caller(request, service="ec2")  # EC2 is regional: the scope names the Region
        logged.account, logged.region = caller.account, caller.region or host.settings.region
        op = host.bus.handlers.ec2_operations.get(action)
        if op is None:
            raise Ec2Error(
                "UnsupportedOperation", f"The operation {action} is not supported by dxlab."
            )
        args = parse_request(action, params)
        dry_run(args)
        page = page_of(action, args)
        result = await host.bus.handle_async(
            op.handler,
            host.context(caller.account, request_id, caller.region),
            args,
            write=op.write,
            alone=request.alone,
        )
        if page is not None:
            result = cut(page, result)
        logged.failed(200, "-")
        return 200, ec2_xml.response(action, result, request_id)
    except DxlabError as err:
        code, status = ec2_xml.code_and_status(err)
        logged.failed(status, code)
        return ec2_xml.error(err, request_id)
    except Exception:  # noqa: BLE001 - never a traceback on the wire
        log.exception("unexpected error in %s", request_id)
        failure = errors.server_error()
        code, status = ec2_xml.code_and_status(failure)
        logged.failed(status, code)
        return ec2_xml.error(failure, request_id)
    finally:
        logged.done()
