#pragma once

namespace labsupport {

// A TCP port on 127.0.0.1 that completes the handshake in the kernel (listen
// backlog) and never accepts or answers: a client waits for a greeting that
// never comes, as behind a firewall that drops the server's packets. A fake
// by necessity: no real server can be made to never greet.
class BlackholePort
{
public:
    BlackholePort();
    ~BlackholePort();
    BlackholePort(const BlackholePort &) = delete;
    BlackholePort &operator=(const BlackholePort &) = delete;

    // 0 when no port could be had.
    int port() const { return m_port; }

private:
    int m_fd = -1;
    int m_port = 0;
};

} // namespace labsupport
