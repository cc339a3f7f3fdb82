#!/usr/bin/env bash
# finish_msi.sh MSI: what wixl 0.101 cannot write from installer/vigil.wxs,
# added to the built package with msibuild (Debian package msitools):
#  * the Environment table: system PATH gets [INSTALLDIR] appended while the
#    Settings component is installed (WiX: <Environment Id="VigilPath"
#    Name="PATH" Value="[INSTALLDIR]" Part="last" Action="set" System="yes"
#    Permanent="no"/>); WriteEnvironmentStrings and RemoveEnvironmentStrings
#    are already sequenced by vigil.wxs;
#  * SecureCustomProperties (WiX: Secure="yes"), so the public properties
#    reach the elevated install on a managed (GPO, Intune) deployment;
#  * MajorUpgrade AllowSameVersionUpgrades="yes": the ProductCode is new in
#    every build, so without it a second build of the same version would
#    install beside the first instead of replacing it.
set -euo pipefail
msi=${1:?usage: finish_msi.sh MSI}
msibuild=${MSIBUILD:-msibuild}
msiinfo=${MSIINFO:-msiinfo}

"$msibuild" "$msi" -q 'CREATE TABLE `Environment` (`Environment` CHAR(72) NOT NULL, `Name` CHAR(255) NOT NULL LOCALIZABLE, `Value` CHAR(255) LOCALIZABLE, `Component_` CHAR(72) NOT NULL PRIMARY KEY `Environment`)'
# Name flags: "=" set on install, "-" remove on uninstall, "*" system.
# Value "[~];X" appends X to the existing value.
"$msibuild" "$msi" -q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('VigilPath', '=-*PATH', '[~];[INSTALLDIR]', 'Settings')"
"$msibuild" "$msi" -q "UPDATE \`Property\` SET \`Value\` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;INSTALLDIR;VIGILDATA;VIGILCONFIG' WHERE \`Property\` = 'SecureCustomProperties'"

# The WIX_UPGRADE_DETECTED row: VersionMax becomes inclusive (attributes
# 1 = migrate features, + 0x200 = max inclusive). Attributes is part of the
# table's key, so the row is deleted and inserted again.
upgrade=$("$msiinfo" export "$msi" Upgrade | tr -d '\r' |
  awk -F'\t' '$7 == "WIX_UPGRADE_DETECTED" { print $1 "\t" $3 }')
code=${upgrade%%$'\t'*}
vmax=${upgrade#*$'\t'}
[[ $code == \{*\} && -n $vmax ]] ||
  { echo "finish_msi.sh: no WIX_UPGRADE_DETECTED row in $msi" >&2; exit 1; }
"$msibuild" "$msi" -q "DELETE FROM \`Upgrade\` WHERE \`ActionProperty\` = 'WIX_UPGRADE_DETECTED'"
"$msibuild" "$msi" -q "INSERT INTO \`Upgrade\` (\`UpgradeCode\`, \`VersionMax\`, \`Attributes\`, \`ActionProperty\`) VALUES ('$code', '$vmax', 513, 'WIX_UPGRADE_DETECTED')"
