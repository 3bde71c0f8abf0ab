#include "blackholeport.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace labsupport {

BlackholePort::BlackholePort()
{
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr *>(&a), len) != 0 ||
        ::listen(m_fd, 128) != 0 ||
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&a), &len) != 0)
        return;
    m_port = ntohs(a.sin_port);
}

BlackholePort::~BlackholePort()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

} // namespace labsupport
