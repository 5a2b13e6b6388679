// Gives libevent_core our evdns_getaddrinfo (see util/evdns_hook.hpp).
#pragma once

namespace ev::dns {
void install_gai_hook();
}
