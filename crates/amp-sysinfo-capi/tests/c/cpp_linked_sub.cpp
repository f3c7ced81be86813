// A C++ sub-core image on the `linked-pools` library: its `const`
// esp_amp_sys_info_pools definition gets C linkage from the header's
// declaration (a namespace-scope const would otherwise be internal and the
// library's reference undefined), and init attaches to the pool it names.
// The table is written by hand (table_v4.h). Prints
// "cpp_linked_sub: ok" and exits 0, or says what failed and exits 1.
#include <cstdint>
#include <cstdio>

#include "esp_amp_sys_info.h"
#include "table_v4.h"

alignas(16) static uint8_t s_hp[256];
static const uint32_t kBus = 0x4087c000u;

const esp_amp_sys_info_pools_t esp_amp_sys_info_pools = {
    {s_hp, kBus, sizeof s_hp},
    {nullptr, 0, 0},
};

int main()
{
    if (esp_amp_sys_info_init() != -1) {
        std::printf("cpp_linked_sub: init before the format did not fail\n");
        return 1;
    }
    test_format_table(s_hp, 0, kBus, sizeof s_hp, 1);
    uint16_t size = 0;
    if (esp_amp_sys_info_init() != 0 || esp_amp_sys_info_get(1, &size, SYS_INFO_CAP_HP) != s_hp + 48 ||
        size != 8) {
        std::printf("cpp_linked_sub: %s\n", esp_amp_sys_info_last_error());
        return 1;
    }
    std::printf("cpp_linked_sub: ok\n");
    return 0;
}
