// A C++ sub-core image on the `linked-pools` library: its `const`
// esp_amp_sys_info_pools definition gets C linkage from the header's
// declaration (a namespace-scope const would otherwise be internal and the
// library's reference undefined), and init attaches to the pool it names.
// The table is written by hand, as in c_linked_sub.c. Prints
// "cpp_linked_sub: ok" and exits 0, or says what failed and exits 1.
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "esp_amp_sys_info.h"

alignas(16) static uint8_t s_hp[256];
static const uint32_t kBus = 0x4087c000u;

const esp_amp_sys_info_pools_t esp_amp_sys_info_pools = {
    {s_hp, kBus, sizeof s_hp},
    {nullptr, 0, 0},
};

static void put_word(unsigned index, uint32_t value)
{
    std::memcpy(s_hp + 4 * index, &value, 4);
}

// A version 3 HP table of 2 entries, entry id 1 (8 bytes) just after it.
static void format_hp()
{
    const uint32_t w[5] = {0x49535953u, 3u | 2u << 16, 0u | 1u << 8, sizeof s_hp, kBus};
    std::memset(s_hp + 32, 0xff, 16);
    put_word(7, 1);
    for (unsigned i = 0; i < 5; i++) {
        put_word(i, w[i]);
    }
    put_word(5, 0x5a5ac3c3u ^ w[0] ^ w[1] ^ w[2] ^ w[3] ^ w[4]);
    put_word(6, 1);
    put_word(8, 1u | 8u << 16);
    put_word(9, kBus + 48);
}

int main()
{
    if (esp_amp_sys_info_init() != -1) {
        std::printf("cpp_linked_sub: init before the format did not fail\n");
        return 1;
    }
    format_hp();
    uint16_t size = 0;
    if (esp_amp_sys_info_init() != 0 || esp_amp_sys_info_get(1, &size, SYS_INFO_CAP_HP) != s_hp + 48 ||
        size != 8) {
        std::printf("cpp_linked_sub: %s\n", esp_amp_sys_info_last_error());
        return 1;
    }
    std::printf("cpp_linked_sub: ok\n");
    return 0;
}
